/**
 * Test helpers for packing a package of this repository and installing the tarball into a throwaway
 * project the way a user would, with the registry out of reach: `npm install --offline` with the
 * registry pointed at a closed loopback port, so a dependency that is not in the tarball fails the
 * install instead of being fetched.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a child process: this one's, less npm's per-run variables (`npm test` sets
 * `npm_config_*` for this repository, which must not leak into an install elsewhere), with the
 * registry unreachable.
 */
export function isolatedEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith('npm_')) env[name] = value;
  }
  return {
    ...env,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** Runs a command to completion (killed after `timeoutMs`), collecting its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? isolatedEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** What `npm pack --json` reports of one tarball. */
export interface PackReport {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/** Packs the package in `dir` (running its `prepack`) into `destination`; returns npm's report. */
export async function pack(
  dir: string,
  destination: string,
): Promise<PackReport & { readonly tarball: string }> {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir });
  if (packed.code !== 0) throw new Error(`npm pack failed in ${dir}:\n${packed.stderr}`);
  // Build output may precede the JSON report on stdout.
  const report = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as PackReport[])[0];
  if (report === undefined) throw new Error('npm pack reported no tarball');
  return { ...report, tarball: join(destination, report.filename) };
}

/** A new project in `dir` with the tarball installed from the file alone. */
export async function installTarball(
  dir: string,
  tarball: string,
  manifest: Readonly<Record<string, unknown>> = {},
): Promise<Ran> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, ...manifest }, undefined, 2),
  );
  return run('npm', ['install', '--offline', '--no-package-lock', tarball], { cwd: dir });
}
