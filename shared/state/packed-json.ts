/**
 * JSON text of a record state (`tracked`, `snapshot`) stored as raw DEFLATE with a preset
 * dictionary when that is smaller, so an appointment's state stays within one DynamoDB write unit
 * (1 KB) with its pending version: the links of its tracked fields were a third of it as text. The
 * attribute keeps its name; its type says the form (S: the JSON itself, as items written before
 * packing hold it; B: deflated). docs/design.md, State schema.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { StateCorruptError } from './state-errors.js';

/**
 * What the JSON of tracked fields is mostly made of. **Never edit it**: every deflated attribute
 * needs exactly these bytes to be read (a test pins them). A better dictionary would be a new
 * form, told apart by a marker, with this one still read.
 */
export const JSON_DICTIONARY: Buffer = Buffer.from(
  '{"draft":false,"active":true,"arrived":false,"status":"Open",' +
    '"starts_at":"2026-01-01T00:00:00Z","ends_at":"2026-01-01T00:00:00Z",' +
    '"practitioner":{"links":{"self":"https://api.au1.cliniko.com/v1/practitioners/"}},' +
    '"appointment_type":{"links":{"self":"https://api.au1.cliniko.com/v1/appointment_types/"}},' +
    '"business":{"links":{"self":"https://api.au1.cliniko.com/v1/businesses/"}}}',
  'utf8',
);

/** The JSON text as it is stored: deflated when that is smaller, else the text itself. */
export function packJson(text: string): Uint8Array | string {
  const deflated = deflateRawSync(text, { dictionary: JSON_DICTIONARY });
  return deflated.length < Buffer.byteLength(text, 'utf8') ? deflated : text;
}

/** The JSON text of a stored attribute (`packJson`'s output); `undefined` when it holds neither form. */
export function unpackJson(stored: unknown, name: string): string | undefined {
  if (typeof stored === 'string') return stored;
  if (!(stored instanceof Uint8Array)) return undefined;
  try {
    return inflateRawSync(stored, { dictionary: JSON_DICTIONARY }).toString('utf8');
  } catch {
    throw new StateCorruptError(
      `A record state's ${name} attribute is not deflated JSON; was the state table written by another tool?`,
    );
  }
}
