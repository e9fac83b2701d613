/**
 * The record key: one string naming a record across the bridge's events, carried in the envelope's
 * `resources` so a route can group by record (an SQS FIFO message group, say) without parsing
 * `detail`. Made of operational values only (the configured account id, the stream, the Cliniko id).
 * At most 8 + 63 + 1 + 30 + 1 + 20 = 123 characters from the allowed account ids, stream names and
 * 64-bit ids: within an SQS FIFO message group id's 128, and of the characters it allows.
 */
export const RECORD_KEY_PREFIX = 'cliniko:';

/** `cliniko:<account>:<resource>:<recordId>`, e.g. `cliniko:main-clinic:patients:1390726237298631770`. */
export function recordKeyOf(account: string, resource: string, recordId: string): string {
  return `${RECORD_KEY_PREFIX}${account}:${resource}:${recordId}`;
}
