/** Strict flag parsing shared by the commands: unknown flags and missing values become a `ConfigError`. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from '../shared/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends Options>(args: readonly string[], command: string, options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'invalid arguments';
    throw new ConfigError(
      'arguments',
      `${message}. Run \`cliniko-bridge ${command} --help\` for the options.`,
    );
  }
}

/** `--help`/`-h` anywhere wins over every other flag, valid or not. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
