import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { DETAIL_TYPES } from '../../shared/events/schema.js';

function captureIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  return { io: { stdout, stderr, env: {} }, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('cliniko-bridge schemas', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'schemas-command-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON Schema per detail-type and index.json into --out, and says what it wrote', async () => {
    const { io, stdout } = captureIo();

    const code = await main(['schemas', '--out', dir], io);

    expect(code).toBe(0);
    const files = await readdir(dir);
    expect(files).toHaveLength(DETAIL_TYPES.length + 1);
    expect(files).toContain('patient.updated.json');
    expect(files).toContain('index.json');
    const schema = JSON.parse(await readFile(join(dir, 'patient.updated.json'), 'utf8'));
    expect(schema.title).toBe('patient.updated');
    expect(stdout()).toContain(`Wrote ${DETAIL_TYPES.length + 1} JSON Schema files (draft-04) to ${dir}`);
    expect(stdout()).toContain(join(dir, 'patient.updated.json'));
  });

  it('accepts --out=DIR', async () => {
    const { io } = captureIo();

    const code = await main(['schemas', `--out=${join(dir, 'nested')}`], io);

    expect(code).toBe(0);
    expect(await readdir(join(dir, 'nested'))).toContain('index.json');
  });

  it('exits 2 and names the option for an unknown flag', async () => {
    const { io, stderr } = captureIo();

    const code = await main(['schemas', '--outdir', dir], io);

    expect(code).toBe(2);
    expect(stderr()).toContain('--outdir');
    expect(stderr()).toContain('--out DIR');
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 2 when --out has no directory', async () => {
    const { io, stderr } = captureIo();

    const code = await main(['schemas', '--out'], io);

    expect(code).toBe(2);
    expect(stderr()).toContain('--out: needs a directory');
  });

  it('prints its usage for --help', async () => {
    const { io, stdout } = captureIo();

    const code = await main(['schemas', '--help'], io);

    expect(code).toBe(0);
    expect(stdout()).toContain('Usage: cliniko-bridge schemas [--out DIR]');
  });
});
