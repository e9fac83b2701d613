/**
 * `cliniko-bridge version` (also `--version`/`-V`): the package version alone on stdout, so scripts can
 * compare it; `--json` adds the package name.
 */
import { readFile } from 'node:fs/promises';
import { parseFlags, wantsHelp } from './flags.js';
import { JSON_HELP, JSON_OPTION, printResult } from './json-output.js';
import type { Command } from './main.js';

const USAGE = `Usage: cliniko-bridge version [--json]

Prints the version of cliniko-bridge (the same as cliniko-bridge --version).

Options:
${JSON_HELP}  -h, --help               show this help
`;

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
}

export async function packageInfo(): Promise<PackageInfo> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  const { name, version } = JSON.parse(text) as { name?: unknown; version?: unknown };
  return { name: String(name), version: String(version) };
}

export const versionCommand: Command = async (args, io) => {
  if (wantsHelp(args)) {
    io.stdout.write(USAGE);
    return 0;
  }
  const values = parseFlags(args, 'version', JSON_OPTION);
  const info = await packageInfo();
  printResult(io.stdout, values.json === true, info, ({ version }) => `${version}\n`);
  return 0;
};
