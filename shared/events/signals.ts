/**
 * Evaluates the signal rules of a stream (`shared/signals.ts`) for one event being built: pure, over
 * the action, the changed field names, the record's current values and the previous values of its
 * tracked fields.
 */
import {
  ACTIONS_WITHOUT_SIGNALS,
  SIGNALS,
  type Signal,
  type SignalCondition,
  signalRulesOf,
} from '../signals.js';
import type { Action } from './contract.js';

export interface SignalInput {
  readonly stream: string;
  readonly action: Action;
  readonly record: Readonly<Record<string, unknown>>;
  /** Changed top-level field names; `null` when there is no earlier version to compare with. */
  readonly changedFields: readonly string[] | null;
  /** The previous values of the tracked fields, as far as they are known. */
  readonly trackedPrevious: Readonly<Record<string, unknown>> | undefined;
}

export interface SignalOutcome {
  /** The signals that hold, in catalog order. */
  readonly signals: readonly Signal[];
  /** Ids of the linked records the signals name (`mergedIntoPatientId`); absent when none. */
  readonly related?: Readonly<Record<string, string>>;
}

const NONE: SignalOutcome = Object.freeze({ signals: Object.freeze([]) });

/** `null`, `undefined`, `""` and `false` are "not set". */
const isSet = (value: unknown): boolean =>
  value !== undefined && value !== null && value !== '' && value !== false;

export function signalsFor(input: SignalInput): SignalOutcome {
  const rules = signalRulesOf(input.stream);
  if (rules.length === 0 || ACTIONS_WITHOUT_SIGNALS.includes(input.action)) return NONE;
  const held = new Set<Signal>();
  const related: Record<string, string> = {};
  for (const rule of rules) {
    if (!rule.when.every((condition) => holds(condition, input))) continue;
    held.add(rule.signal);
    if (rule.names === undefined) continue;
    const id = linkedId(input.record[rule.names.field]);
    if (id !== undefined) related[rule.names.key] = id;
  }
  if (held.size === 0) return NONE;
  const signals = SIGNALS.filter((signal) => held.has(signal));
  return Object.keys(related).length > 0 ? { signals, related } : { signals };
}

function holds(condition: SignalCondition, input: SignalInput): boolean {
  const { record, changedFields } = input;
  switch (condition.kind) {
    case 'changed':
      return changedFields !== null && condition.fields.some((field) => changedFields.includes(field));
    case 'became':
      return (
        changedFields?.includes(condition.field) === true &&
        condition.values.includes(record[condition.field])
      );
    case 'set':
      return condition.fields.some((field) => isSet(record[field]));
    case 'unset':
      return condition.fields.every((field) => !isSet(record[field]));
    case 'action':
      return condition.actions.includes(input.action);
    case 'was': {
      const previous = input.trackedPrevious;
      if (previous === undefined || !Object.hasOwn(previous, condition.field)) {
        return holds(condition.otherwise, input);
      }
      return condition.values.includes(previous[condition.field]);
    }
  }
}

/** The decimal id at the end of a Cliniko link (`{"links":{"self":".../patients/123"}}`), if any. */
function linkedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const self = (value as { links?: { self?: unknown } }).links?.self;
  if (typeof self !== 'string') return undefined;
  const last = self.slice(self.lastIndexOf('/') + 1);
  return /^[0-9]{1,20}$/.test(last) ? last : undefined;
}
