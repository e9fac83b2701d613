/**
 * Checks and builds the publishers of the `--sink` specs, each behind the `DataClassGate` of the
 * classes `--allow-classes` gives it. The console sink writes to the command's stdout — or to stderr
 * when `ndjson:-` puts the events themselves on stdout, which then carries nothing else.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { awsClientDefaults } from '../shared/aws/client-defaults.js';
import type { DataClass } from '../shared/data-classes.js';
import type { EventPublisher } from '../shared/engine/ports.js';
import { DataClassGate } from '../shared/publish/data-class-gate.js';
import { EventBridgePublisher } from '../shared/publish/eventbridge-publisher.js';
import { ConsoleSink } from '../shared/sinks/console-sink.js';
import type { EventFormat } from '../shared/sinks/event-format.js';
import { FanOutPublisher } from '../shared/sinks/fan-out.js';
import { NdjsonSink } from '../shared/sinks/ndjson-sink.js';
import { NdjsonStreamSink } from '../shared/sinks/ndjson-stream-sink.js';
import type { SinkSpec } from '../shared/sinks/sink-spec.js';
import { checkWebhookHost, type HostResolver, systemResolver } from '../shared/sinks/webhook-destination.js';
import { WebhookSink } from '../shared/sinks/webhook-sink.js';
import type { StreamDefinition } from '../shared/streams.js';
import { colorWanted } from './color-choice.js';
import type { CommandIo } from './main.js';
import { stdoutCarriesEvents } from './sink-options.js';
import { prepareAppendableFile } from './writable-location.js';

export interface SinkSet {
  readonly publisher: EventPublisher;
  /** Short descriptions for the start-up line: kinds and paths, never webhook URLs (they may carry tokens). */
  readonly descriptions: readonly string[];
  close(): Promise<void>;
}

/**
 * Start-up checks of the sinks, so one that cannot work stops the run before it polls (exit 2, naming
 * `--sink`) instead of failing at the first event.
 */
export async function checkSinks(
  specs: readonly SinkSpec[],
  options: { readonly resolve?: HostResolver } = {},
): Promise<void> {
  for (const spec of specs) {
    if (spec.kind === 'webhook') {
      // Once here; the sink checks every address it connects to again (DNS rebinding).
      await checkWebhookHost(new URL(spec.url), options.resolve ?? systemResolver);
    } else if (spec.kind === 'ndjson') {
      await prepareAppendableFile(spec.path, {
        flag: '--sink',
        subject: `cannot write ndjson:${spec.path}`,
        fix:
          'choose a regular file whose directory can be created and written, e.g. --sink ndjson:events.ndjson ' +
          '(pipes and devices cannot be synced; for stdout use --sink ndjson:-)',
      });
    }
  }
}

export interface BuildSinksOptions {
  /** Wraps the console sink (the progress display clears its lines around it). */
  readonly wrapConsole: (publisher: EventPublisher) => EventPublisher;
  /** @default 'eventbridge' */
  readonly format?: EventFormat;
  /** The streams polled: the console's columns fit them. @default every stream */
  readonly streams?: readonly StreamDefinition[];
  /** The data classes each sink may receive, in the order of the specs. @default every class for every sink */
  readonly allowClasses?: readonly (readonly DataClass[])[];
}

/**
 * Builds one publisher per spec, each behind its own `DataClassGate`: the only way an event reaches
 * a sink, so a sink never receives a field of a class it may not have.
 */
export function buildSinks(specs: readonly SinkSpec[], io: CommandIo, options: BuildSinksOptions): SinkSet {
  const { wrapConsole, format = 'eventbridge', streams, allowClasses } = options;
  const consoleOnStderr = stdoutCarriesEvents(specs);
  const consoleStream = consoleOnStderr ? io.stderr : io.stdout;
  const clients: EventBridgeClient[] = [];
  const webhooks: WebhookSink[] = [];
  const publishers: EventPublisher[] = [];
  const descriptions: string[] = [];
  for (const spec of specs) {
    switch (spec.kind) {
      case 'console':
        publishers.push(
          wrapConsole(
            new ConsoleSink({
              stream: consoleStream,
              color: colorWanted(consoleStream, io.env),
              ...(streams === undefined ? {} : { streams }),
            }),
          ),
        );
        descriptions.push(consoleOnStderr ? 'console (on stderr: stdout carries ndjson)' : 'console');
        break;
      case 'ndjson':
        publishers.push(new NdjsonSink({ path: spec.path, format }));
        descriptions.push(`ndjson:${spec.path}${formatNote(format)}`);
        break;
      case 'ndjson-stdout':
        publishers.push(new NdjsonStreamSink({ stream: io.stdout, name: 'stdout', format }));
        descriptions.push(`ndjson:- (stdout)${formatNote(format)}`);
        break;
      case 'webhook': {
        const sink = new WebhookSink({ url: spec.url, secret: spec.secret, format });
        webhooks.push(sink);
        publishers.push(sink);
        descriptions.push(`webhook (${new URL(spec.url).origin})${formatNote(format)}`);
        break;
      }
      case 'eventbridge': {
        const client = new EventBridgeClient(awsClientDefaults());
        clients.push(client);
        publishers.push(new EventBridgePublisher({ client, busName: spec.busName }));
        descriptions.push(`eventbridge:${spec.busName}`);
        break;
      }
    }
  }
  // One publisher per spec, in order; each gets the gate of its own classes.
  const gates = publishers.map((publisher, index) => new DataClassGate(publisher, allowClasses?.[index]));
  const [only] = gates;
  return {
    publisher: gates.length === 1 && only !== undefined ? only : new FanOutPublisher(gates),
    descriptions: descriptions.map((description, index) => `${description}${withheldNote(gates[index])}`),
    close: async () => {
      for (const client of clients) client.destroy();
      await Promise.all(webhooks.map((sink) => sink.close()));
    },
  };
}

function withheldNote(gate: DataClassGate | undefined): string {
  return gate === undefined || gate.withheld.length === 0
    ? ''
    : ` (withholding ${gate.withheld.join(' and ')} fields)`;
}

function formatNote(format: EventFormat): string {
  return format === 'eventbridge' ? '' : ` as ${format}`;
}
