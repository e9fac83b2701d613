/**
 * A real HTTP webhook receiver on 127.0.0.1 for the sink tests. It verifies every request's
 * Standard Webhooks signature with its own code (not the sink's), following the spec: recompute
 * `v1,` + base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` with the decoded
 * secret and compare in constant time against each space-separated signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { startScriptedServer } from '../../support/scripted-server.js';

/** What the receiver does with one request: answer with a status (and headers), reset, or never answer. */
export type Reply = { readonly status: number; readonly headers?: Record<string, string> } | 'reset' | 'hang';

export interface ReceivedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly signatureValid: boolean;
  readonly reply: Reply;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Bodies of the requests answered 2xx: what the receiver accepted, in order. */
  readonly accepted: () => unknown[];
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return typeof value === 'string' ? value : '';
}

function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${header(headers, 'webhook-id')}.${header(headers, 'webhook-timestamp')}.${body}`;
  const expected = Buffer.from(createHmac('sha256', key).update(signed).digest('base64'));
  return header(headers, 'webhook-signature')
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** Starts a receiver; `plan[i]` answers the i-th request, later requests get `fallback` (204). */
export async function startReceiver(
  secret: string,
  plan: readonly Reply[] = [],
  fallback: Reply = { status: 204 },
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = await startScriptedServer((response, { method, headers, body }, index) => {
    const reply = plan[index] ?? fallback;
    requests.push({ method, headers, body, signatureValid: verifies(secret, headers, body), reply });
    if (reply === 'reset') response.socket?.destroy();
    else if (reply !== 'hang') response.writeHead(reply.status, reply.headers).end('{"ok":false}');
  });
  return {
    url: `${server.origin}/hooks/cliniko`,
    requests,
    accepted: () =>
      requests
        .filter((request) => typeof request.reply === 'object' && request.reply.status < 300)
        .map((request) => JSON.parse(request.body)),
    close: () => server.close(),
  };
}
