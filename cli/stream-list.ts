/** `--streams a,b,c`: stream names and sets (`core`, `all`) from the stream registry, each at most once. */
import { unknownStreamMessage } from '../shared/config/schema.js';
import { ConfigError } from '../shared/errors.js';
import {
  expandStreamSelection,
  findStream,
  isStreamSelector,
  type StreamDefinition,
} from '../shared/streams.js';

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
