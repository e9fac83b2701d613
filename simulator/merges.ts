/**
 * A patient merge as Cliniko shows it: the patient merged away is archived with `merged_at` and a
 * `merged_with_patient` link to the one it was merged into (`cliniko-api.md` §8). Cliniko's API has no
 * merge endpoint; churn merges at random and the test backdoor on demand, both through this.
 */

import { link } from './resources/model.js';
import { findModel } from './resources/registry.js';
import type { Account } from './store.js';
import type { WriteResult, Writer } from './writes.js';

/** Why a merge cannot happen, or `undefined` when it can. */
export function mergeRefusal(account: Account, from: string, into: string): string | undefined {
  if (from === into) return 'A patient cannot be merged into itself.';
  for (const id of [from, into]) {
    const patient = account.current('patients', id);
    if (!patient) return `No patient ${id}.`;
    if (patient.archived_at) return `Patient ${id} is archived.`;
  }
  return undefined;
}

/** Merges patient `from` into `into`; check `mergeRefusal` first. */
export function mergePatients(writer: Writer, account: Account, from: string, into: string): WriteResult {
  const model = findModel('patients');
  if (!model) throw new Error('the simulator has no patients model');
  const extra = { merged_at: writer.context(account).now, merged_with_patient: link('patients', into) };
  return writer.archive(account, model, from, extra);
}
