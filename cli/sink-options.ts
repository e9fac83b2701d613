/**
 * The `--sink` and `--format` flags of `run` as a whole: each sink parsed by `parseSinkSpec`, then the
 * rules about combinations. stdout can carry one stream of events only: two `ndjson:-` sinks would
 * interleave. A `console` sink next to `ndjson:-` is allowed and prints on stderr instead (see
 * sink-publishers.ts), so a person can watch what goes down the pipe. `--format cloudevents` changes
 * what the ndjson and webhook sinks write; the console (readable lines) and eventbridge (PutEvents
 * entries) sinks have no such choice, so asking for it with one of them is an error, not ignored.
 */
import { ConfigError } from '../shared/errors.js';
import { type EventFormat, parseEventFormat } from '../shared/sinks/event-format.js';
import { parseSinkSpec, type SinkSpec } from '../shared/sinks/sink-spec.js';

export const DEFAULT_SINKS = ['console'] as const;

export const SINK_USAGE =
  '  --sink SPEC              repeatable: console | ndjson:PATH | ndjson:- (stdout) | webhook:URL | eventbridge:BUS_NAME (default: console)\n' +
  '  --format FORMAT          what ndjson and webhook sinks write: eventbridge (the envelope, default) | cloudevents (CloudEvents 1.0 JSON)\n';

/** `run`'s sinks and the format of their events, from `--sink` (repeatable) and `--format`. */
export function sinkOptions(
  sinkValues: readonly string[] | undefined,
  formatValue: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { readonly sinks: SinkSpec[]; readonly format: EventFormat } {
  const sinks = parseSinkOptions(sinkValues, env);
  const format = formatValue === undefined ? 'eventbridge' : parseEventFormat(formatValue);
  if (format !== 'eventbridge') {
    const fixed = [
      ...new Set(sinks.filter((s) => s.kind === 'console' || s.kind === 'eventbridge').map((s) => s.kind)),
    ];
    if (fixed.length > 0) {
      throw new ConfigError(
        '--format',
        `${format} applies to the ndjson and webhook sinks only, not to ${fixed.join(' or ')}` +
          `${sinkValues === undefined ? ' (the default sink)' : ''}: drop --format, or send the events to ` +
          '--sink ndjson:PATH, --sink ndjson:- or --sink webhook:URL',
      );
    }
  }
  return { sinks, format };
}

export function parseSinkOptions(
  values: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): SinkSpec[] {
  const sinks = (values ?? DEFAULT_SINKS).map((spec) => parseSinkSpec(spec, env));
  if (sinks.filter((sink) => sink.kind === 'ndjson-stdout').length > 1) {
    throw new ConfigError(
      '--sink',
      'stdout can carry one ndjson stream only (ndjson:-, /dev/stdout and /dev/fd/1 all name it); give it once',
    );
  }
  return sinks;
}

/** Whether the events themselves go to stdout, so nothing else may. */
export function stdoutCarriesEvents(sinks: readonly SinkSpec[]): boolean {
  return sinks.some((sink) => sink.kind === 'ndjson-stdout');
}
