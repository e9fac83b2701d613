/**
 * A patient case's `attendee_ids`, which Cliniko derives from the attendees booked under the case
 * (their `patient_case` link): the live ones, oldest first. Read by a scan of the attendees.
 */
import { linkedId } from './resources/model.js';
import type { Account } from './store.js';

/** Every case's attendee ids, from one pass over the attendees. */
export function caseAttendeeIndex(account: Account): Map<string, string[]> {
  const byCase = new Map<string, string[]>();
  for (const record of account.table('attendees').ordered()) {
    const latest = record.latest();
    const caseId = latest && !latest.deleted ? linkedId(latest.body.patient_case) : null;
    if (!caseId) continue;
    const ids = byCase.get(caseId);
    if (ids) ids.push(record.id);
    else byCase.set(caseId, [record.id]);
  }
  return byCase;
}

export function caseAttendeeIds(account: Account, caseId: string): string[] {
  return caseAttendeeIndex(account).get(caseId) ?? [];
}
