/**
 * `cliniko-bridge simulator`: runs the Cliniko simulator until SIGINT/SIGTERM. When it is listening
 * it prints exactly one JSON line on stdout: {"baseUrl":"http://127.0.0.1:PORT/v1","apiKeys":[...]}.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/errors.js';
import { SIMULATOR_DEFAULTS, startSimulator } from '../simulator/index.js';
import type { Command } from './main.js';
import { parseQuirksFlag, quirksHelp } from './quirks-flag.js';

const USAGE = `Usage: cliniko-bridge simulator [options]

Starts a fake Cliniko API (synthetic data only) and prints one JSON line when ready:
  {"baseUrl":"http://127.0.0.1:PORT/v1","apiKeys":["<key>", ...]}
then serves until SIGINT/SIGTERM. Control routes (faults, clock, churn, quirks, changelog and a test
backdoor for records) live under /__sim/ (see the README's simulator section).

Options:
  --port N            port to listen on; 0 picks a free one (default ${SIMULATOR_DEFAULTS.port})
  --host HOST         address to bind (default ${SIMULATOR_DEFAULTS.host})
  --seed N            seed of the generated data; same seed, same data (default ${SIMULATOR_DEFAULTS.seed})
  --churn PER_MIN     background changes per minute, 0 = none (default 0)
  --rate-limit PER_MIN  requests per minute per API key (default ${SIMULATOR_DEFAULTS.rateLimitPerMinute})
  --accounts N        isolated accounts, one API key each (default ${SIMULATOR_DEFAULTS.accounts})
  --patients N        patients per account (default ${SIMULATOR_DEFAULTS.patients})
  --appointments N    individual appointments per account (default ${SIMULATOR_DEFAULTS.appointments})
${quirksHelp('none')}
  -h, --help          show this help

Quirks can also be switched while it runs: GET/POST /__sim/quirks {"enable":[…],"disable":[…]}.
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  churn: { type: 'string' },
  'rate-limit': { type: 'string' },
  accounts: { type: 'string' },
  patients: { type: 'string' },
  appointments: { type: 'string' },
  quirks: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(
      `--${flag}`,
      `expected a whole number from ${min} to ${max}, e.g. --${flag} ${min}`,
    );
  }
  return Number(raw);
}

export const simulatorCommand: Command = async (args, io) => {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : 'invalid arguments';
    throw new ConfigError(
      'arguments',
      `${message}. Run \`cliniko-bridge simulator --help\` for the options.`,
    );
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const host = values.host ?? SIMULATOR_DEFAULTS.host;
  if (host.trim() === '')
    throw new ConfigError('--host', 'expected an address to bind, e.g. --host 127.0.0.1');
  const simulator = await startSimulator({
    host,
    port: wholeNumber('port', values.port, 0, 65_535),
    seed: wholeNumber('seed', values.seed, 0, 4_294_967_295),
    churnPerMinute: wholeNumber('churn', values.churn, 0, 600_000),
    rateLimitPerMinute: wholeNumber('rate-limit', values['rate-limit'], 1, 1_000_000),
    accounts: wholeNumber('accounts', values.accounts, 1, 100),
    patients: wholeNumber('patients', values.patients, 0, 1_000_000),
    appointments: wholeNumber('appointments', values.appointments, 0, 1_000_000),
    quirks: parseQuirksFlag(values.quirks ?? 'none'),
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new ConfigError('--port', 'that port is in use; choose another or use --port 0');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new ConfigError('--host', 'cannot bind that address; use a local address such as 127.0.0.1');
    }
    throw error;
  });
  io.stdout.write(`${JSON.stringify({ baseUrl: simulator.baseUrl, apiKeys: simulator.apiKeys })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await simulator.close();
  return 0;
};
