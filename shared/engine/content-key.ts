/**
 * The content key: a per-deployment secret that keys every record fingerprint and field hash the
 * bridge stores, so a stored item reveals nothing about the values it was computed from (docs/design.md,
 * State schema). Keys live in a ring: `current` signs what is written, older keys stay readable so a
 * rotation compares exactly and re-keys on the way; a state whose key left the ring is compared by
 * lifecycle flags and `updated_at` only.
 *
 * Field hashes are AES-128 of a 128-bit digest rather than an HMAC per field (about 60 µs for a
 * 50-field patient): all of a record's fields go through one native AES call. The digest is not
 * cryptographic: a collision can only hide one field name from `changes.fields`, and without the key
 * nobody can aim for one.
 *
 * The secret is JSON `{"current": "<key id>", "<key id>": "<key material>", …}`; material is any
 * string of at least 32 characters (the CDK app generates 64). A plain string is key `k1`.
 */
import crypto from 'node:crypto';
import { ConfigError } from '../errors.js';
import { base64Of48Bits, digestRanges } from './canonical-content.js';

/** Key ids name keys inside the secret and in stored states: short and plain. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_MATERIAL_LENGTH = 32;
/** Domain separation: the same material used elsewhere yields unrelated keys here. */
const SALT = 'cliniko-change-bridge/content-key/v1';

/** Hex characters of a fingerprint: 128 bits. */
const FINGERPRINT_LENGTH = 32;

export class ContentKey {
  private readonly hmacKey: Buffer;
  /** ECB over independent 16-byte digests, never finalised: one long-lived cipher serves every call. */
  private readonly cipher: crypto.Cipher;

  constructor(
    readonly id: string,
    material: string,
  ) {
    if (!KEY_ID.test(id) || id === 'current') {
      throw new ConfigError(
        'contentKey',
        'key ids must be 1-32 letters, digits, "_" or "-" (and not "current")',
      );
    }
    if (material.length < MIN_MATERIAL_LENGTH) {
      throw new ConfigError(
        'contentKey',
        `key ${id} is shorter than ${MIN_MATERIAL_LENGTH} characters; generate a long random one`,
      );
    }
    this.hmacKey = Buffer.from(crypto.hkdfSync('sha256', material, SALT, 'fingerprint', 32));
    const aesKey = Buffer.from(crypto.hkdfSync('sha256', material, SALT, 'field-hash', 16));
    this.cipher = crypto.createCipheriv('aes-128-ecb', aesKey, null);
    this.cipher.setAutoPadding(false);
  }

  /** Keyed fingerprint of canonical text: 32 hex characters. */
  fingerprint(text: string): string {
    return crypto
      .createHmac('sha256', this.hmacKey)
      .update(text, 'utf8')
      .digest('hex')
      .slice(0, FINGERPRINT_LENGTH);
  }

  /**
   * Keyed 48-bit hashes (8 base64url characters each) of `count` ranges of `text`: range `i` is
   * the UTF-16 units from `ranges[2i]` up to (not including) `ranges[2i + 1]`.
   */
  rangeHashes(text: string, ranges: readonly number[], count: number): string[] {
    const sealed = this.cipher.update(digestRanges(text, ranges, count));
    const hashes = new Array<string>(count);
    for (let i = 0; i < count; i++) hashes[i] = base64Of48Bits(sealed, i * 16);
    return hashes;
  }
}

/** The keys a deployment knows: `current` for writing, every one for reading. */
export class ContentKeyRing {
  private readonly byId: ReadonlyMap<string, ContentKey>;

  constructor(
    readonly current: ContentKey,
    older: readonly ContentKey[] = [],
  ) {
    this.byId = new Map([...older, current].map((key) => [key.id, key]));
  }

  /** The key a state was written with; `undefined` when it is not in the ring (retired or unknown). */
  find(id: string | undefined): ContentKey | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  get ids(): readonly string[] {
    return [...this.byId.keys()];
  }
}

/** Parses the secret's text (see the module header). Messages never quote key material. */
export function parseContentKeySecret(text: string): ContentKeyRing {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return new ContentKeyRing(new ContentKey('k1', trimmed));
  let decoded: unknown;
  try {
    decoded = JSON.parse(trimmed);
  } catch {
    throw new ConfigError('contentKey', 'the content key secret starts with "{" but is not valid JSON');
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new ConfigError('contentKey', 'the content key secret must be a JSON object');
  }
  const entries = decoded as Record<string, unknown>;
  const currentId = entries.current;
  if (typeof currentId !== 'string' || typeof entries[currentId] !== 'string') {
    throw new ConfigError(
      'contentKey',
      'the content key secret needs "current" naming one of its keys, e.g. {"current":"k2","k1":"…","k2":"…"}',
    );
  }
  const keys = Object.entries(entries)
    .filter(([id]) => id !== 'current')
    .map(([id, material]) => {
      if (typeof material !== 'string') throw new ConfigError('contentKey', `key ${id} must be a string`);
      return new ContentKey(id, material);
    });
  const current = keys.find((key) => key.id === currentId);
  if (current === undefined) throw new ConfigError('contentKey', 'the current key is missing');
  return new ContentKeyRing(
    current,
    keys.filter((key) => key !== current),
  );
}

/** A new secret with one random key, in the format `parseContentKeySecret` reads. */
export function generateContentKeySecret(id = 'k1'): string {
  return JSON.stringify({ current: id, [id]: crypto.randomBytes(48).toString('base64url') });
}

/** A ring with one fresh random key, for runs whose state does not outlive the process. */
export function ephemeralContentKeyRing(): ContentKeyRing {
  return parseContentKeySecret(generateContentKeySecret());
}
