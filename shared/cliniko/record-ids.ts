/**
 * Ids are strings everywhere in the bridge. Cliniko sends them as strings today, but numeric ids
 * (older payloads, foreign keys such as `patient_id`) are normalised here so nothing downstream
 * ever compares a number with a string.
 */

const ID_KEY = /(^id$|_id$)/;
const IDS_KEY = /_ids$/;

/** Returns a copy in which `id`, `*_id` and `*_ids` integer values are decimal strings, at any depth. */
export function normaliseIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (ID_KEY.test(key)) out[key] = idToString(inner);
    else if (IDS_KEY.test(key) && Array.isArray(inner)) out[key] = inner.map(idToString);
    else out[key] = normaliseIds(inner);
  }
  return out;
}

function idToString(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : normaliseIds(value);
}

/** A usable record id: a non-empty string after normalisation. */
export function hasUsableId(record: Readonly<Record<string, unknown>>): record is { id: string } {
  return typeof record.id === 'string' && record.id.length > 0;
}
