/**
 * Deterministic event ids: the same observation always gets the same id, so a re-publish after a
 * crash (same version, same sequence number) is a duplicate consumers can drop, while every
 * distinct report gets its own id (docs/design.md, Event identity).
 */
import crypto from 'node:crypto';
import type { Action } from './contract.js';

export interface EventIdInput {
  readonly account: string;
  readonly resource: string;
  readonly recordId: string;
  readonly action: Action;
  /** Content fingerprint of the version observed (`updated_at` excluded). */
  readonly fingerprint: string;
  /**
   * The version's `updated_at`. Included besides the fingerprint so a record reverted to earlier
   * content (A→B→A) is a new event, not a duplicate of the first A.
   */
  readonly updatedAt: string | null;
  /**
   * The record's sequence number of the event (`detail.sequence`), so two reports of the same
   * content (an archive, a restore and an archive again that never moved `updated_at`; a first
   * sighting seen again after the version in flight changed) are two events, and one id never
   * carries two details. Left out of the hash at 1, so first events keep the ids they always had.
   * @default 1
   */
  readonly sequence?: number;
}

/** One-shot SHA-256 (Node ≥ 20.12), else the streaming API: same digest either way. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

const HEX_DIGITS = '0123456789abcdef';

/**
 * A UUID (RFC 9562 version 8, the "custom" layout meant for hashes other than SHA-1) made from the
 * first 122 bits of SHA-256 over the inputs. The inputs are JSON-encoded as an array so no choice
 * of separator can make two different inputs collide.
 */
export function eventIdFor(input: EventIdInput): string {
  const canonical = JSON.stringify([
    'cliniko-change-event/v1',
    input.account,
    input.resource,
    input.recordId,
    input.action,
    input.fingerprint,
    input.updatedAt,
    ...(input.sequence !== undefined && input.sequence > 1 ? [input.sequence] : []),
  ]);
  const hex = sha256Hex(canonical);
  // Byte 6's high nibble (hex digit 12) is the version, 8; byte 8's top two bits (of hex digit 16)
  // are the variant, binary 10.
  const variant = HEX_DIGITS[(Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
