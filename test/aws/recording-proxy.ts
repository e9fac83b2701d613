/**
 * An HTTP proxy in front of moto that records the IAM action each request needs, so a test can hold
 * what a command really sends against what a grant allows. The AWS JSON protocols name the operation
 * in `X-Amz-Target` (`DynamoDB_20120810.GetItem` → `dynamodb:GetItem`); a request without one (S3's
 * REST protocol) is recorded as `unknown:<method>`, so a test comparing sets fails on it visibly.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE_OF_TARGET: Readonly<Record<string, string>> = {
  DynamoDB_20120810: 'dynamodb',
  secretsmanager: 'secretsmanager',
  AmazonSSM: 'ssm',
  AWSEvents: 'events',
  AmazonSQS: 'sqs',
};

export interface RecordingProxy {
  readonly url: string;
  /** The distinct actions recorded since the last `reset`, sorted. */
  actions(): string[];
  reset(): void;
  close(): Promise<void>;
}

/** The IAM action of a request with this `X-Amz-Target` header. */
export function actionOfTarget(target: string | undefined, method: string): string {
  const [prefix = '', operation = ''] = (target ?? '').split('.');
  const service = SERVICE_OF_TARGET[prefix];
  return service === undefined || operation === '' ? `unknown:${method}` : `${service}:${operation}`;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const recorded = new Set<string>();
  const { hostname, port } = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    const target = incoming.headers['x-amz-target'];
    recorded.add(actionOfTarget(Array.isArray(target) ? target[0] : target, incoming.method ?? 'GET'));
    const forwarded = request(
      { hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${own}`,
    actions: () => [...recorded].sort(),
    reset: () => recorded.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
