/**
 * Entry point of the `cliniko-bridge` binary: dispatches to one command module and maps errors to
 * the exit codes of the CLI contract (0 ok, 2 bad arguments/config, 3 Cliniko auth/permission, 1 other).
 */
import { describeError } from '../shared/error-description.js';
import { BridgeError, exitCodeOf, safeErrorFields } from '../shared/errors.js';
import { RESYNC_COMMAND } from './resync-entry.js';

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export type Command = (args: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  simulator: {
    summary: 'Start the Cliniko API simulator (prints one JSON ready line, serves until SIGINT/SIGTERM)',
    load: async () => (await import('./simulator-command.js')).simulatorCommand,
  },
  run: {
    summary: 'Poll a Cliniko account (or --simulate) and publish change events until Ctrl-C, or --once',
    load: async () => (await import('./run-command.js')).runCommand,
  },
  accounts: {
    summary: 'Add, list, pause, resume, remove or purge the accounts a fleet polls (no redeploy)',
    load: async () => (await import('./accounts-command.js')).accountsCommand,
  },
  doctor: {
    summary: 'Check an API key: shard and base URL, auth, permission per stream, rate-limit headroom',
    load: async () => (await import('./doctor-command.js')).doctorCommand,
  },
  schemas: {
    summary: 'Write the JSON Schema of every event detail-type (default into schemas/)',
    load: async () => (await import('./schemas-command.js')).schemasCommand,
  },
  resync: RESYNC_COMMAND,
  replay: {
    summary:
      "Replay a deployed bus's archived events for a time window onto the bus (EventBridge StartReplay)",
    load: async () => (await import('./replay-command.js')).replayCommand,
  },
  version: {
    summary: 'Print the version of cliniko-bridge (also --version)',
    load: async () => (await import('./version-command.js')).versionCommand,
  },
};

const VERSION_FLAGS = ['--version', '-V'];

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return [
    'Usage: cliniko-bridge <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `cliniko-bridge <command> --help` for the options of a command; `cliniko-bridge --version` prints the version.',
  ].join('\n');
}

export async function main(argv: string[], io: CommandIo = process): Promise<number> {
  // Node 20 is supported by this project; the AWS SDK's notice about future versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[VERSION_FLAGS.includes(name) ? 'version' : name];
  if (!command) {
    io.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    io.stderr.write(`cliniko-bridge ${name}: ${describeError(error)}\n`);
    if (!(error instanceof BridgeError) && error instanceof Error) {
      // Not one of the bridge's own failures: the stack frames help a bug report (never the message,
      // which might echo data).
      io.stderr.write(`${String(safeErrorFields(error).stack)}\n`);
    }
    return exitCodeOf(error);
  }
}
