/**
 * `--sink console`: one readable line per event for a person watching a terminal, e.g.
 *
 *   10:15:00  patient.updated                   patients/1390726237298631770  fields: email, patient_phone_numbers
 *
 * The line carries the time (the record's `occurredAt` in local time, with the date in front —
 * `2026-12-01 14:48:43` — when it is not today, as in a backfill), the event type, resource/recordId and
 * the changed field NAMES or the action — never record values: a terminal is scrollback, screen
 * shares and CI logs, so patient data stays out of it. Behind a gate that withholds a data class
 * (`--allow-classes`), the names of withheld changed fields are counted, not shown.
 */
import { once } from 'node:events';
import type { EventPublisher } from '../engine/ports.js';
import { ACTIONS, type Action, type ChangeEvent } from '../events/contract.js';
import { detailTypesOf } from '../events/schema.js';
import { STREAMS, type StreamDefinition } from '../streams.js';

export interface ConsoleSinkProps {
  /** Where lines go, usually `process.stdout`. */
  readonly stream: NodeJS.WritableStream;
  /** ANSI colours by action; the CLI decides (a TTY, NO_COLOR, FORCE_COLOR). */
  readonly color: boolean;
  /** For "today" in the time column. @default Date.now */
  readonly now?: () => number;
  /**
   * The streams whose events it prints: the type and record columns are as wide as their longest
   * detail-type and name, so a run of the eleven core streams keeps its compact lines.
   * @default every stream of the registry
   */
  readonly streams?: readonly StreamDefinition[];
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

/** Widths of the type and `resource/recordId` columns. */
export interface ConsoleColumns {
  readonly type: number;
  readonly record: number;
}

const MAX_RECORD_ID_DIGITS = 19;

/**
 * Column widths that line up every event of `streams`: their longest detail-type (only the types
 * they produce) and their longest `resource/recordId`. An event of another stream still prints, on
 * a longer line.
 */
export function consoleColumnsFor(streams: readonly StreamDefinition[]): ConsoleColumns {
  const widest = (lengths: readonly number[]) => lengths.reduce((max, n) => Math.max(max, n), 0);
  return {
    type: widest(streams.flatMap((stream) => detailTypesOf(stream).map((type) => type.length))),
    record: widest(streams.map((stream) => stream.name.length)) + 1 + MAX_RECORD_ID_DIGITS,
  };
}

const EVERY_STREAM = consoleColumnsFor(STREAMS);

function actionOf(type: string): Action | undefined {
  const action = type.slice(type.lastIndexOf('.') + 1);
  return (ACTIONS as readonly string[]).includes(action) ? (action as Action) : undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `HH:MM:SS` in local time, `YYYY-MM-DD HH:MM:SS` when not today; the raw value when it is not a timestamp. */
function clockTime(iso: string, nowMs: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const at = new Date(ms);
  const now = new Date(nowMs);
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const today =
    at.getFullYear() === now.getFullYear() &&
    at.getMonth() === now.getMonth() &&
    at.getDate() === now.getDate();
  return today ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

/** Keeps control characters (escape sequences) out of the terminal whatever an id contains. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function summary(event: ChangeEvent, action: Action | undefined): string {
  const { changes, payloadOmitted, withheld } = event.detail;
  const hidden = withheld?.changedFields ?? 0;
  const parts: string[] = [];
  if (changes !== null && changes.fields.length > 0) {
    parts.push(`fields: ${changes.fields.join(', ')}${hidden > 0 ? ` (+${hidden} withheld)` : ''}`);
  } else if (changes !== null && hidden > 0) parts.push(`fields: ${hidden} withheld`);
  else if (action === 'updated') parts.push('first seen (predates the bridge; no previous version)');
  else if (action !== undefined && action !== 'snapshot') parts.push(action);
  if (payloadOmitted === 'size') parts.push('(data omitted: too large)');
  if (withheld !== undefined) parts.push(`(${withheld.classes.join(' and ')} fields withheld)`);
  return parts.join('  ');
}

/**
 * Formats one event as a console line (no trailing newline); `nowMs` decides what "today" is,
 * `columns` how wide the type and record columns are (default: wide enough for every stream).
 */
export function formatConsoleLine(
  event: ChangeEvent,
  color: boolean,
  nowMs: number = Date.now(),
  columns: ConsoleColumns = EVERY_STREAM,
): string {
  const { type, resource, recordId, occurredAt } = event.detail;
  const action = actionOf(type);
  const paddedType = printable(type).padEnd(columns.type);
  const coloredType = color && action !== undefined ? `${COLORS[action]}${paddedType}${RESET}` : paddedType;
  const record = printable(`${resource}/${recordId}`).padEnd(columns.record);
  const line = `${clockTime(occurredAt, nowMs)}  ${coloredType}  ${record}  ${printable(summary(event, action))}`;
  return line.trimEnd();
}

export class ConsoleSink implements EventPublisher {
  private readonly columns: ConsoleColumns;

  constructor(private readonly props: ConsoleSinkProps) {
    this.columns = props.streams === undefined ? EVERY_STREAM : consoleColumnsFor(props.streams);
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    const { stream, color } = this.props;
    const now = (this.props.now ?? Date.now)();
    for (const event of events) {
      // A slow terminal or a pipe read by `less` must slow the bridge down, not grow its memory.
      const line = formatConsoleLine(event, color, now, this.columns);
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    }
  }
}
