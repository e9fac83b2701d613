/**
 * `--sink console`: one readable line per event for a person watching a terminal, e.g.
 *
 *   10:15:00  patient.updated                   patients/1390726237298631770  fields: email, patient_phone_numbers
 *
 * The line carries the time (the record's `occurredAt`, UTC), the event type, resource/recordId and
 * the changed field NAMES or the action — never record values: a terminal is scrollback, screen
 * shares and CI logs, so patient data stays out of it.
 */
import { once } from 'node:events';
import type { EventPublisher } from '../engine/ports.js';
import { ACTIONS, type Action, type ChangeEvent } from '../events/contract.js';
import { STREAMS } from '../streams.js';

export interface ConsoleSinkProps {
  /** Where lines go, usually `process.stdout`. */
  readonly stream: NodeJS.WritableStream;
  /** ANSI colours by action; the CLI turns them on for a TTY. */
  readonly color: boolean;
}

const RESET = '\u001b[0m';
const COLORS: Readonly<Record<Action, string>> = {
  created: '\u001b[32m', // green
  updated: '\u001b[33m', // yellow
  deleted: '\u001b[31m', // red
  cancelled: '\u001b[31m',
  snapshot: '\u001b[90m', // grey
  archived: '\u001b[34m', // blue
  restored: '\u001b[34m',
};

// Column widths from the registry, so the longest known type and id still line up.
const TYPE_WIDTH = Math.max(
  ...STREAMS.flatMap((stream) => ACTIONS.map((action) => `${stream.entity}.${action}`.length)),
);
const MAX_RECORD_ID_DIGITS = 19;
const RECORD_WIDTH = Math.max(...STREAMS.map((stream) => stream.name.length)) + 1 + MAX_RECORD_ID_DIGITS;

function actionOf(type: string): Action | undefined {
  const action = type.slice(type.lastIndexOf('.') + 1);
  return (ACTIONS as readonly string[]).includes(action) ? (action as Action) : undefined;
}

/** `HH:MM:SS` in UTC, or the raw value when it is not a timestamp. */
function clockTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(11, 19);
}

/** Keeps control characters (escape sequences) out of the terminal whatever an id contains. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function summary(event: ChangeEvent, action: Action | undefined): string {
  const { changes, payloadOmitted } = event.detail;
  const parts: string[] = [];
  if (changes !== null && changes.fields.length > 0) parts.push(`fields: ${changes.fields.join(', ')}`);
  else if (action === 'updated') parts.push('first seen (predates the bridge; no previous version)');
  else if (action !== undefined && action !== 'snapshot') parts.push(action);
  if (payloadOmitted === 'size') parts.push('(data omitted: too large)');
  return parts.join('  ');
}

/** Formats one event as a console line (no trailing newline). */
export function formatConsoleLine(event: ChangeEvent, color: boolean): string {
  const { type, resource, recordId, occurredAt } = event.detail;
  const action = actionOf(type);
  const paddedType = printable(type).padEnd(TYPE_WIDTH);
  const coloredType = color && action !== undefined ? `${COLORS[action]}${paddedType}${RESET}` : paddedType;
  const record = printable(`${resource}/${recordId}`).padEnd(RECORD_WIDTH);
  const line = `${clockTime(occurredAt)}  ${coloredType}  ${record}  ${printable(summary(event, action))}`;
  return line.trimEnd();
}

export class ConsoleSink implements EventPublisher {
  constructor(private readonly props: ConsoleSinkProps) {}

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    const { stream, color } = this.props;
    for (const event of events) {
      // A slow terminal or a pipe read by `less` must slow the bridge down, not grow its memory.
      if (!stream.write(`${formatConsoleLine(event, color)}\n`)) await once(stream, 'drain');
    }
  }
}
