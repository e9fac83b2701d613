/**
 * `run --allow-classes`: the data classes each sink may receive (see shared/data-classes.ts).
 *
 *   --allow-classes operational,personal                    every sink
 *   --allow-classes ndjson:warehouse.ndjson=operational     one sink, written exactly as in its --sink
 *
 * Repeatable: at most one list for all sinks and one per sink; a sink's own list wins. Without the
 * flag every sink takes every class. The sink is found by the text after the last `=`, which a class
 * list never contains, so a webhook URL with a query still works. Errors never echo a sink beyond
 * its kind: a webhook URL may carry a token.
 */
import { DATA_CLASSES, type DataClass, parseAllowedClasses } from '../shared/data-classes.js';
import { ConfigError } from '../shared/errors.js';
import { DEFAULT_SINKS } from './sink-options.js';

const FLAG = '--allow-classes';
const EXAMPLE = `e.g. ${FLAG} operational,personal, or ${FLAG} ndjson:warehouse.ndjson=operational for one sink`;

export const ALLOW_CLASSES_USAGE =
  `  ${FLAG} [SINK=]LIST  repeatable: data classes the sinks may receive, operational | personal | phi\n` +
  '                           (default: all); with SINK= (written as in --sink) for that sink only; fields of other\n' +
  '                           classes are left out of the events and the events marked "withheld"\n';

/**
 * The allowed classes of each sink, in the order of `sinkValues` (the `--sink` values as given;
 * absent: the default sinks).
 */
export function parseAllowClassesOption(
  values: readonly string[] | undefined,
  sinkValues: readonly string[] | undefined,
): DataClass[][] {
  const sinks = (sinkValues ?? DEFAULT_SINKS).map((value) => value.trim());
  let everySink: readonly DataClass[] | undefined;
  const perSink = new Map<string, readonly DataClass[]>();
  for (const value of values ?? []) {
    const split = value.lastIndexOf('=');
    const list = classList(split === -1 ? value : value.slice(split + 1));
    if (split === -1) {
      if (everySink !== undefined) {
        throw new ConfigError(FLAG, `gives the list for every sink twice; give it once, ${EXAMPLE}`);
      }
      everySink = list;
      continue;
    }
    const sink = value.slice(0, split).trim();
    if (!sinks.includes(sink)) {
      throw new ConfigError(
        FLAG,
        `${sink === '' ? 'has nothing before "="' : `names a sink (${kindOf(sink)}) that no --sink gives`}; ` +
          `write the sink exactly as in its --sink, ${EXAMPLE}`,
      );
    }
    if (perSink.has(sink))
      throw new ConfigError(FLAG, `gives two lists for one ${kindOf(sink)} sink; give it once`);
    perSink.set(sink, list);
  }
  return sinks.map((sink) => [...(perSink.get(sink) ?? everySink ?? DATA_CLASSES)]);
}

function classList(text: string): readonly DataClass[] {
  const names = text.split(',').map((name) => name.trim());
  const allowed = parseAllowedClasses(names, EXAMPLE);
  if (typeof allowed === 'string') throw new ConfigError(FLAG, allowed);
  return allowed;
}

/** The kind of a sink spec (`webhook`, `ndjson` …), the only part of it an error may show. */
function kindOf(sink: string): string {
  const kind = sink.split(':')[0] ?? '';
  return /^[a-z]{1,12}$/.test(kind) ? kind : 'unknown';
}
