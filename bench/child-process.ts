/**
 * Runs a TypeScript file of the harness in its own Node process (through tsx) and reads the one
 * JSON line it prints when ready or done.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Child<T> {
  readonly process: ChildProcess;
  /** The first JSON line the child printed. */
  readonly ready: T;
  stop(): Promise<void>;
}

export function benchFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

/** Spawns `node --import tsx FILE ARGS` and waits for its first stdout line (parsed as JSON). */
export async function startChild<T>(
  file: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<Child<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', benchFile(file), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${file} printed something other than one JSON line`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with code ${code} before answering`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    process: child,
    ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      lines.close();
    },
  };
}

/** Runs a child to completion and returns the JSON line it printed. */
export async function runChild<T>(file: string, args: readonly string[], timeoutMs: number): Promise<T> {
  const child = await startChild<T>(file, args, timeoutMs);
  await child.stop();
  return child.ready;
}
