/** `--streams a,b,c`: stream names and sets (`core`, `all`) from the stream registry, each at most once. */
import { unknownStreamMessage } from '../shared/config/schema.js';
import { ConfigError } from '../shared/errors.js';
import {
  expandStreamSelection,
  findStream,
  isStreamSelector,
  STREAM_NAMES,
  type StreamDefinition,
} from '../shared/streams.js';

/** Where the descriptions of a `--help` option table start, and how wide its lines may be. */
const HELP_INDENT = 27;
const HELP_WIDTH = 110;

/**
 * Every stream name for a `--help` text, wrapped into lines that continue under the option's
 * description (the first line goes where the placeholder is, already indented).
 */
export function streamNamesForHelp(names: readonly string[] = STREAM_NAMES): string {
  const lines: string[] = [];
  let line = '';
  for (const [index, name] of names.entries()) {
    const word = index < names.length - 1 ? `${name},` : name;
    if (line !== '' && HELP_INDENT + line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${' '.repeat(HELP_INDENT)}`);
}

export function parseStreamList(flag: string, text: string): StreamDefinition[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new ConfigError(
      flag,
      'lists no stream; e.g. --streams patients,individual_appointments or --streams all',
    );
  const seen = new Set<string>();
  for (const name of names) {
    if (!isStreamSelector(name)) throw new ConfigError(flag, unknownStreamMessage(name));
    if (seen.has(name)) throw new ConfigError(flag, `lists "${name}" twice`);
    seen.add(name);
  }
  return expandStreamSelection(names).flatMap((name) => {
    const stream = findStream(name);
    return stream === undefined ? [] : [stream];
  });
}
