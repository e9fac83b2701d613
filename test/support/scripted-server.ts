/**
 * The one scripted HTTP server of the tests: a real server on loopback that records every request
 * (method, target, headers, body) and answers with whatever the test's `answer` writes. The crafted
 * Cliniko servers (scripted in order, or per path) and the webhook receivers are built on it.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  /** Raw request target: path plus query string, exactly as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ScriptedServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a server whose `answer` gets each request once its body is read, with its index. */
export async function startScriptedServer(
  answer: (res: ServerResponse, request: ReceivedRequest, index: number) => void,
): Promise<ScriptedServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = received.push(request) - 1;
      answer(res, request, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
