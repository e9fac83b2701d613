/**
 * Tells a Cliniko API key pasted where a Secrets Manager secret *name* belongs (`accounts[].apiKeySecret`)
 * from a real secret name. A key there would sit in plain text in IAM policies, the Lambda environment
 * and the synthesized template, so the config refuses it.
 *
 * The heuristic, and why:
 * - Cliniko keys are one opaque base64 token (about 70 characters; base64 of ASCII text, so only letters
 *   and digits, maybe `=`), usually followed by `-<shard>` such as `-au2` (old keys have none).
 *   Secret names are words joined by separators (`cliniko/main-clinic`, `prod_cliniko_key`) or written
 *   in CamelCase (`ClinikoApiKey2024`), or an ARN.
 * - So only an unbroken run of at least 32 letters, digits, `+` or `=` can be a key (any other character,
 *   the shard's dash included, ends a run). Shorter runs are never refused.
 * - Such a run is key-shaped when it reads as random rather than as words:
 *   - 32 or more hexadecimal characters mixing letters and digits (hex tokens and digests), or
 *   - a change of character class (lower case, upper case, digit, other) at least every 4 characters, or
 *     every 5.5 when the run also holds 3 or more separate groups of digits. A change from upper to lower
 *     case is not counted: that is how each capitalised word starts, so CamelCase names score about one
 *     change in 6 characters and random base64 about one in 2.
 * - ARNs are structured and never key-shaped.
 * Measured on synthetic keys: about 5 in a million Cliniko-shaped keys and 0.3 % of arbitrary 40-character
 * random tokens slip through; every plausible secret name tried passes (see the tests).
 */

const MIN_RUN = 32;
const RUN = /[A-Za-z0-9+=]{32,}/g;
const HEX_TOKEN = /[0-9a-f]{32,}/i;
const MIN_CHANGE_RATE = 1 / 4;
const MIN_CHANGE_RATE_WITH_DIGIT_GROUPS = 1 / 5.5;
const DIGIT_GROUPS = 3;

type CharClass = 'lower' | 'upper' | 'digit' | 'other';

function classOf(char: string): CharClass {
  if (char >= 'a' && char <= 'z') return 'lower';
  if (char >= 'A' && char <= 'Z') return 'upper';
  if (char >= '0' && char <= '9') return 'digit';
  return 'other';
}

/** Class changes per adjacent pair, upper→lower (a capitalised word's start) not counted. */
function changeRate(run: string): number {
  let changes = 0;
  for (let i = 1; i < run.length; i += 1) {
    const before = classOf(run.charAt(i - 1));
    const after = classOf(run.charAt(i));
    if (before !== after && !(before === 'upper' && after === 'lower')) changes += 1;
  }
  return changes / (run.length - 1);
}

function isHexToken(run: string): boolean {
  const hex = HEX_TOKEN.exec(run)?.[0];
  return hex !== undefined && /\d/.test(hex) && /[a-f]/i.test(hex);
}

function isRandomLooking(run: string): boolean {
  if (run.length < MIN_RUN) return false;
  if (isHexToken(run)) return true;
  const rate = changeRate(run);
  if (rate >= MIN_CHANGE_RATE) return true;
  const digitGroups = run.match(/\d+/g)?.length ?? 0;
  return rate >= MIN_CHANGE_RATE_WITH_DIGIT_GROUPS && digitGroups >= DIGIT_GROUPS;
}

/** Whether `value` looks like an API key rather than a secret name or ARN (see the heuristic above). */
export function looksLikeApiKey(value: string): boolean {
  if (value.startsWith('arn:')) return false;
  return (value.match(RUN) ?? []).some(isRandomLooking);
}
