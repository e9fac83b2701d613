/**
 * Cliniko's documented quirks, each a reading of the real API that is less kind than the simulator's
 * contract (README.md, "The Cliniko simulator"). Off by default so the contract's reading stays the
 * default; switched at start (`startSimulator({ quirks })`, `--quirks`) and at runtime
 * (`POST /__sim/quirks`). The README's simulator section says which readings the sources confirm.
 */

/** In the order they are listed everywhere (help, `GET /__sim/quirks`, the banner). */
export const QUIRKS = [
  'lifecycle-keeps-updated-at',
  'no-status-feeds',
  'range-filter-keeps-hidden',
  'touch-without-change',
  'derived-field-drift',
  'subsecond-order',
] as const;

export type Quirk = (typeof QUIRKS)[number];

/** One line per quirk, for `--help` and the banner. */
export const QUIRK_SUMMARIES: Readonly<Record<Quirk, string>> = {
  'lifecycle-keeps-updated-at': 'archive, unarchive, cancel and delete leave updated_at as it was',
  'no-status-feeds': 'the legacy /deleted, /cancelled and /archived lists answer 404 (HTML)',
  'range-filter-keeps-hidden':
    'a range filter on archived_at/cancelled_at/deleted_at does not reveal hidden records; only * does',
  'touch-without-change': 'background jobs bump updated_at without changing content',
  'derived-field-drift': 'patient_name and invoice_status follow their source without moving updated_at',
  'subsecond-order': 'within one second, sort=updated_at follows a hidden sub-second instant, not the id',
};

export function isQuirk(name: string): name is Quirk {
  return (QUIRKS as readonly string[]).includes(name);
}

/** The names in `names` that are not quirks (empty when all are valid). */
export function unknownQuirks(names: readonly string[]): string[] {
  return names.filter((name) => !isQuirk(name));
}

/** `Unknown quirk "x". Valid quirks: a, b, …` — for 400s and CLI errors alike. */
export function unknownQuirkMessage(unknown: readonly string[]): string {
  const names = unknown.map((name) => `"${name}"`).join(', ');
  return `Unknown quirk${unknown.length === 1 ? '' : 's'} ${names}. Valid quirks: ${QUIRKS.join(', ')}.`;
}

/**
 * A `--quirks` value: `all`, `none` or comma-separated names. Returns the quirks, or the unknown
 * names when there are any.
 */
export function parseQuirkList(text: string): { quirks: Quirk[] } | { unknown: string[] } {
  const trimmed = text.trim();
  if (trimmed === 'all') return { quirks: [...QUIRKS] };
  if (trimmed === 'none' || trimmed === '') return { quirks: [] };
  const names = trimmed
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = unknownQuirks(names);
  if (unknown.length > 0) return { unknown };
  return { quirks: QUIRKS.filter((quirk) => names.includes(quirk)) };
}

/** The quirks in force; read on every request and write, so a change applies at once. */
export class QuirkSet {
  private readonly on = new Set<Quirk>();

  constructor(initial: readonly Quirk[] = []) {
    this.enable(initial);
  }

  has(quirk: Quirk): boolean {
    return this.on.has(quirk);
  }

  enable(quirks: readonly Quirk[]): void {
    for (const quirk of quirks) this.on.add(quirk);
  }

  disable(quirks: readonly Quirk[]): void {
    for (const quirk of quirks) this.on.delete(quirk);
  }

  /** Enabled quirks in their listed order. */
  enabled(): Quirk[] {
    return QUIRKS.filter((quirk) => this.on.has(quirk));
  }
}

/**
 * Validates a `POST /__sim/quirks` body `{"enable":[…],"disable":[…]}` (either key may be left
 * out); returns the change or an error message.
 */
export function parseQuirkRequest(body: unknown): { enable: Quirk[]; disable: Quirk[] } | string {
  const usage = 'Send {"enable":["quirk", …],"disable":["quirk", …]}.';
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return usage;
  const { enable = [], disable = [], ...other } = body as Record<string, unknown>;
  if (Object.keys(other).length > 0) return `Unknown key ${Object.keys(other).join(', ')}. ${usage}`;
  const lists = [enable, disable];
  if (!lists.every((list) => Array.isArray(list) && list.every((name) => typeof name === 'string'))) {
    return `enable and disable must be arrays of quirk names. ${usage}`;
  }
  const [on, off] = lists as [string[], string[]];
  const unknown = unknownQuirks([...on, ...off]);
  if (unknown.length > 0) return unknownQuirkMessage(unknown);
  return { enable: on.filter(isQuirk), disable: off.filter(isQuirk) };
}
