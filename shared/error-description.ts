/**
 * One line that says what went wrong, for any thrown value, without leaking data. The bridge's own
 * errors give their message (written to be free of record data). Anything else is described by what
 * it carries besides its message — which may quote a request, a record or a key — so no error ever
 * reads as a bare "Error" or "unexpected failure":
 *
 * - an AWS SDK error: its name, HTTP status and request id;
 * - a Node system error: its type, code, errno, syscall and path (paths are the operator's own files);
 * - anything else: its type, a code when it has one, and the source location that threw it;
 * - plus the `cause` chain and the errors of an `AggregateError`.
 */
import { BridgeError } from './errors.js';

const CODE = /^[A-Z][A-Z0-9_]{1,40}$/;
const MAX_DEPTH = 4;

interface ErrorFacts {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
  readonly dest?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly requestId?: unknown };
}

export function describeError(error: unknown): string {
  return describe(error, 0);
}

function describe(error: unknown, depth: number): string {
  if (!(error instanceof Error)) return `a thrown ${error === null ? 'null' : typeof error} (not an Error)`;
  if (error instanceof BridgeError) return error.message;
  const facts = error as ErrorFacts;
  const parts = [error.name || 'Error'];
  const details: string[] = [];
  if (typeof facts.code === 'string' && CODE.test(facts.code)) parts.push(facts.code);
  if (typeof facts.$metadata === 'object' && facts.$metadata !== null) {
    const { httpStatusCode, requestId } = facts.$metadata;
    if (typeof httpStatusCode === 'number') details.push(`HTTP ${httpStatusCode}`);
    if (typeof requestId === 'string' && requestId !== '') details.push(`request id ${requestId}`);
  }
  if (typeof facts.errno === 'number') details.push(`errno ${facts.errno}`);
  if (typeof facts.syscall === 'string') details.push(`syscall ${facts.syscall}`);
  if (typeof facts.path === 'string') details.push(`path ${facts.path}`);
  if (typeof facts.dest === 'string') details.push(`dest ${facts.dest}`);
  let text = `${parts.join(' ')}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  if (error instanceof AggregateError && depth < MAX_DEPTH) {
    const inner = error.errors.map((each: unknown) => describe(each, depth + 1));
    return `${error.name} of ${inner.length}: ${inner.join('; ')}`;
  }
  // A bare type says nothing: point at where it was thrown.
  const location = parts.length === 1 && details.length === 0 ? thrownAt(error) : undefined;
  if (location !== undefined) text += ` at ${location}`;
  if (error.cause !== undefined && depth < MAX_DEPTH)
    text += `, caused by ${describe(error.cause, depth + 1)}`;
  return text;
}

/** `file:line:column` of the first stack frame that has one (JSON.parse's own frame has none); never the message line. */
function thrownAt(error: Error): string | undefined {
  for (const frame of (error.stack ?? '').split('\n')) {
    if (!/^\s+at /.test(frame)) continue;
    const location =
      /\(([^()]+:\d+:\d+)\)\s*$/.exec(frame)?.[1] ?? /^\s+at ([^\s()]+:\d+:\d+)\s*$/.exec(frame)?.[1];
    if (location !== undefined) return location.replace(/^file:\/\//, '');
  }
  return undefined;
}
