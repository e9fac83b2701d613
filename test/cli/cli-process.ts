/** Test helper: runs the real `cliniko-bridge` binary as a child process and collects its output. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cliniko-bridge.js', import.meta.url));

export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (a signal death counts as -1). */
  readonly exited: Promise<number>;
}

export function startCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  input?: string,
): CliRun {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    child,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    exited,
  };
}

/**
 * Runs the binary to completion. With `timeoutMs`, a run that has not exited by then is killed
 * (SIGKILL: it may be ignoring SIGTERM) and reported as code -1, so a hang fails the test quickly.
 */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  options: { readonly timeoutMs?: number; readonly input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(args, env, options.input);
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
