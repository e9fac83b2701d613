/** `--quirks LIST` of `simulator` and `run --simulate`: `all`, `none` or comma-separated quirk names. */
import { ConfigError } from '../shared/errors.js';
import {
  parseQuirkList,
  QUIRK_SUMMARIES,
  QUIRKS,
  type Quirk,
  unknownQuirkMessage,
} from '../simulator/index.js';

export function parseQuirksFlag(text: string): Quirk[] {
  const parsed = parseQuirkList(text);
  if ('unknown' in parsed) {
    throw new ConfigError('--quirks', `${unknownQuirkMessage(parsed.unknown)} Or use all or none.`);
  }
  return parsed.quirks;
}

/** The `--quirks` lines of a command's help: the flag, then one line per quirk. */
export function quirksHelp(defaultValue: string): string {
  const width = Math.max(...QUIRKS.map((quirk) => quirk.length));
  return [
    `  --quirks LIST       Cliniko quirks to simulate: all, none or names separated by commas (default ${defaultValue})`,
    ...QUIRKS.map((quirk) => `      ${quirk.padEnd(width)}  ${QUIRK_SUMMARIES[quirk]}`),
  ].join('\n');
}
