import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { authHeaders } from './sim-client.js';

const BIN = fileURLToPath(new URL('../../bin/cliniko-bridge.js', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function memoryIo() {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    ({ write: (chunk: string) => into.push(chunk) > 0 }) as unknown as NodeJS.WritableStream;
  return { io: { stdout: sink(out), stderr: sink(err), env: {} }, out, err };
}

describe('cliniko-bridge simulator', () => {
  it('prints one ready line, serves the API, and exits 0 on SIGTERM', async () => {
    const proc = spawn(process.execPath, [BIN, 'simulator', '--port', '0', '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const lines = createInterface({ input: proc.stdout });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const ready = JSON.parse(first) as { baseUrl: string; apiKeys: string[] };
    const reply = await fetch(`${ready.baseUrl}/patients?per_page=2`, {
      headers: authHeaders(ready.apiKeys[0] ?? ''),
    });
    const body = (await reply.json()) as { patients: unknown[] };
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(Object.keys(ready)).toEqual(['baseUrl', 'apiKeys']);
    expect(ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(reply.status).toBe(200);
    expect(body.patients).toHaveLength(2);
    expect(await exited).toBe(0);
  });

  it('exits 2 naming the flag when a flag value is invalid', async () => {
    const { io, err } = memoryIo();
    const code = await main(['simulator', '--port', 'eighty'], io);
    expect(code).toBe(2);
    expect(err.join('')).toContain('--port');
  });

  it('exits 2 on an unknown flag', async () => {
    const { io, err } = memoryIo();
    const code = await main(['simulator', '--colour'], io);
    expect(code).toBe(2);
    expect(err.join('')).toContain('--colour');
  });

  it('prints usage with --help and exits 0', async () => {
    const { io, out } = memoryIo();
    const code = await main(['simulator', '--help'], io);
    expect(code).toBe(0);
    expect(out.join('')).toContain('--rate-limit PER_MIN');
  });
});

describe('cliniko-bridge simulator --quirks', () => {
  it('starts with the quirks it is given (all)', async () => {
    const proc = spawn(process.execPath, [BIN, 'simulator', '--port', '0', '--quirks', 'all'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const lines = createInterface({ input: proc.stdout });
    // A process that refuses the flag exits without a ready line: fail at once rather than time out.
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      proc.once('exit', (code) => reject(new Error(`exited ${String(code)} before its ready line`)));
    });
    const ready = JSON.parse(first) as { baseUrl: string };
    const quirks = (await (await fetch(`${new URL(ready.baseUrl).origin}/__sim/quirks`)).json()) as {
      enabled: string[];
      available: string[];
    };

    expect(quirks.enabled).toEqual(quirks.available);
    expect(quirks.enabled).toHaveLength(6);
  });

  it('exits 2 for an unknown quirk, listing the valid ones', async () => {
    const { io, err } = memoryIo();

    const code = await main(['simulator', '--quirks', 'none,slow-mondays'], io);

    expect(code).toBe(2);
    expect(err.join('')).toContain('--quirks');
    expect(err.join('')).toContain('slow-mondays');
    expect(err.join('')).toContain('range-filter-keeps-hidden');
  });

  it('documents --quirks and every quirk in --help', async () => {
    const { io, out } = memoryIo();

    await main(['simulator', '--help'], io);

    expect(out.join('')).toContain('--quirks LIST');
    expect(out.join('')).toContain('derived-field-drift');
  });
});
