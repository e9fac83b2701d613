/**
 * Canonical JSON: object keys sorted at every depth, array order kept, so two equal records
 * serialise identically whatever order Cliniko sent their keys in. It is what record fingerprints
 * and field hashes are computed over (see `fingerprint.ts`).
 *
 * Performance: this is the engine's hottest code. The writer below builds the string directly (no
 * sorted copies), reuses each object shape's sorted key order and quoted member names, and quotes
 * strings without a native call unless they need escaping. Measured on the engine benchmark
 * (`npm run bench`, engine CPU), these took the whole engine from 14–21× to 2.6× the cost of
 * `JSON.parse` + `JSON.stringify` of the same pages. `referenceCanonicalJson` is the plain form it
 * must equal byte for byte; a property test compares the two on arbitrary JSON.
 */

/** Canonical JSON of any JSON value. */
export function canonicalJson(value: unknown): string {
  return writeValue(value) ?? 'null';
}

/** The obvious canonical form, slow and plain: keys sorted with `sort()`, everything else `JSON.stringify`. */
export function referenceCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => referenceCanonicalJson(item ?? null)).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const object = value as Record<string, unknown>;
  const members = Object.keys(object)
    .sort()
    .filter((key) => object[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${referenceCanonicalJson(object[key])}`);
  return `{${members.join(',')}}`;
}

/** Canonical JSON of one value; `undefined` where JSON leaves the value out (undefined, functions, symbols). */
export function writeValue(value: unknown): string | undefined {
  if (typeof value === 'string') return quoteString(value);
  if (value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += writeValue(value[i]) ?? 'null';
    }
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  const { sorted, prefixes } = keyOrderOf(object);
  let text = '{';
  for (let i = 0; i < sorted.length; i++) {
    const inner = writeValue(object[sorted[i] ?? '']);
    if (inner === undefined) continue;
    if (text.length > 1) text += ',';
    text += prefixes[i] + inner;
  }
  return `${text}}`;
}

/**
 * What `JSON.stringify` escapes in a string: quote, backslash, control characters and (lone)
 * surrogates. Most values have none of them, and then the quoted value is just the value in quotes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoteString(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** An object's keys in sorted order, and the `"key":` that starts each one's member. */
export interface KeyOrder {
  /** The keys in the order the object listed them. */
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly prefixes: readonly string[];
}

/**
 * Objects of one shape (every record of a stream, every link) list the same keys in the same
 * order, so the sorted order of a few recent key lists is kept per key count and reused when a
 * list matches one of them key for key. Objects with many keys are rare and sorted every time.
 */
const KEY_ORDERS: KeyOrder[][] = [];
const KEY_ORDERS_PER_COUNT = 8;
const MAX_KEPT_KEY_COUNT = 256;

export function keyOrderOf(object: object): KeyOrder {
  const keys = Object.keys(object);
  if (keys.length > MAX_KEPT_KEY_COUNT) return newKeyOrder(keys);
  let orders = KEY_ORDERS[keys.length];
  if (orders === undefined) {
    orders = [];
    KEY_ORDERS[keys.length] = orders;
  }
  for (const order of orders) {
    if (sameKeys(order.keys, keys)) return order;
  }
  const order = newKeyOrder(keys);
  // Full: the newest shape takes the last place, so shapes seen early cannot crowd out current ones.
  if (orders.length === KEY_ORDERS_PER_COUNT) orders.pop();
  orders.push(order);
  return order;
}

function newKeyOrder(keys: readonly string[]): KeyOrder {
  const sorted = [...keys].sort();
  return { keys, sorted, prefixes: sorted.map((key) => `${quoteString(key)}:`) };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
