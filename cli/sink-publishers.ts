/** Builds the publishers of the `--sink` specs; the console sink writes to the command's stdout. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsClientDefaults } from '../shared/aws/client-defaults.js';
import type { EventPublisher } from '../shared/engine/ports.js';
import { EventBridgePublisher } from '../shared/publish/eventbridge-publisher.js';
import { ConsoleSink } from '../shared/sinks/console-sink.js';
import { FanOutPublisher } from '../shared/sinks/fan-out.js';
import { NdjsonSink } from '../shared/sinks/ndjson-sink.js';
import type { SinkSpec } from '../shared/sinks/sink-spec.js';
import { WebhookSink } from '../shared/sinks/webhook-sink.js';

export interface SinkSet {
  readonly publisher: EventPublisher;
  /** Short descriptions for the start-up line: kinds and paths, never webhook URLs (they may carry tokens). */
  readonly descriptions: readonly string[];
  close(): void;
}

export function buildSinks(
  specs: readonly SinkSpec[],
  stdout: NodeJS.WritableStream & { isTTY?: boolean },
  wrapConsole: (publisher: EventPublisher) => EventPublisher,
): SinkSet {
  const clients: EventBridgeClient[] = [];
  const publishers: EventPublisher[] = [];
  const descriptions: string[] = [];
  for (const spec of specs) {
    switch (spec.kind) {
      case 'console':
        publishers.push(wrapConsole(new ConsoleSink({ stream: stdout, color: stdout.isTTY === true })));
        descriptions.push('console');
        break;
      case 'ndjson':
        publishers.push(new NdjsonSink({ path: spec.path }));
        descriptions.push(`ndjson:${spec.path}`);
        break;
      case 'webhook':
        publishers.push(new WebhookSink({ url: spec.url, secret: spec.secret }));
        descriptions.push(`webhook (${new URL(spec.url).origin})`);
        break;
      case 'eventbridge': {
        const client = new EventBridgeClient(awsClientDefaults());
        clients.push(client);
        publishers.push(new EventBridgePublisher({ client, busName: spec.busName }));
        descriptions.push(`eventbridge:${spec.busName}`);
        break;
      }
    }
  }
  const [only] = publishers;
  return {
    publisher: publishers.length === 1 && only !== undefined ? only : new FanOutPublisher(publishers),
    descriptions,
    close: () => {
      for (const client of clients) client.destroy();
    },
  };
}
