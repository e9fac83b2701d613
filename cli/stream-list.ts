/** `--streams a,b,c`: names from the stream registry, each at most once. */
import { unknownStreamMessage } from '../shared/config/schema.js';
import { ConfigError } from '../shared/errors.js';
import { findStream, type StreamDefinition } from '../shared/streams.js';

export function parseStreamList(flag: string, text: string): StreamDefinition[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new ConfigError(flag, 'lists no stream; e.g. --streams patients,individual_appointments');
  const streams: StreamDefinition[] = [];
  for (const name of names) {
    const stream = findStream(name);
    if (stream === undefined) throw new ConfigError(flag, unknownStreamMessage(name));
    if (streams.includes(stream)) throw new ConfigError(flag, `lists "${name}" twice`);
    streams.push(stream);
  }
  return streams;
}
