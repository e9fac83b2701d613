/**
 * The `--sink` flags of `run` as a whole: each one parsed by `parseSinkSpec`, then the rules about
 * combinations. stdout can carry one stream of events only: two `ndjson:-` sinks would interleave.
 * A `console` sink next to `ndjson:-` is allowed and prints on stderr instead (see sink-publishers.ts),
 * so a person can watch what goes down the pipe.
 */
import { ConfigError } from '../shared/errors.js';
import { parseSinkSpec, type SinkSpec } from '../shared/sinks/sink-spec.js';

export const DEFAULT_SINKS = ['console'] as const;

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
