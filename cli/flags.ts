/**
 * Strict flag parsing shared by the commands: unknown flags, missing values and stray positional
 * arguments become a `ConfigError`. Messages never repeat a value the user typed: a stray argument
 * is often an API key whose `--api-key` was forgotten, and error output ends up in logs and tickets.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from '../shared/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a mistyped flag looks like; anything else (e.g. `--` glued to a key) is not echoed. */
const FLAG_NAME = /^--?[A-Za-z][A-Za-z0-9-]{0,30}$/;

export function parseFlags<T extends Options>(args: readonly string[], command: string, options: T) {
  const help = `Run \`cliniko-bridge ${command} --help\` for the options.`;
  let parsed: ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>>;
  try {
    // Positionals are accepted here only to be counted below: node's own message would quote them.
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new ConfigError('arguments', `${parseErrorText(error)}. ${help}`);
  }
  const stray = parsed.positionals.length;
  if (stray > 0) {
    throw new ConfigError(
      'arguments',
      `unexpected positional argument${stray === 1 ? '' : 's'} (${stray}): every value needs its flag, ` +
        'e.g. --api-key KEY, and a value with spaces needs quotes (not repeated here: it may be a secret). ' +
        help,
    );
  }
  return parsed.values;
}

function parseErrorText(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'invalid arguments';
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  // node's text goes on to suggest passing it as a positional after `--`, which this CLI refuses.
  const name = /^Unknown option '([^']*)'/.exec(message)?.[1] ?? '';
  return FLAG_NAME.test(name)
    ? `Unknown option '${name}'`
    : 'Unknown option (not repeated here: it may be a secret)';
}

/** `--help`/`-h` anywhere wins over every other flag, valid or not. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
