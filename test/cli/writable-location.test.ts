import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LocationUse,
  prepareAppendableFile,
  prepareWritableDirectory,
  pseudoFilesystemAt,
} from '../../cli/writable-location.js';
import { ConfigError } from '../../shared/errors.js';

const USE: LocationUse = { flag: '--state-dir', subject: 'cannot use it', fix: 'choose another --state-dir' };

let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'writable-location-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(act: Promise<unknown>): Promise<ConfigError> {
  const error = await act.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError, got ${String(error)}`);
}

describe('prepareWritableDirectory', () => {
  it('creates every missing level, owner-only, and leaves no probe file behind', async () => {
    const target = join(dir, 'a/b/c');

    await prepareWritableDirectory(target, USE);

    for (const level of ['a', 'a/b', 'a/b/c']) {
      expect((await stat(join(dir, level))).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(target)).toEqual([]);
  });

  it('accepts an existing directory, also through a symbolic link, without touching its files', async () => {
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real/keep.txt'), 'x');
    await symlink(join(dir, 'real'), join(dir, 'link'));

    await prepareWritableDirectory(join(dir, 'link'), USE);

    expect(await readdir(join(dir, 'real'))).toEqual(['keep.txt']);
  });

  it('refuses a path under a dangling symbolic link, naming the link, the flag and the fix', async () => {
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));

    const error = await refusal(prepareWritableDirectory(join(dir, 'dangling/state'), USE));

    expect(error.field).toBe('--state-dir');
    expect(error.message).toBe(
      `--state-dir: cannot use it: ${join(dir, 'dangling')} is a symbolic link to a missing target; choose another --state-dir`,
    );
  });

  it('refuses a path under a file', async () => {
    await writeFile(join(dir, 'file'), 'x');

    const error = await refusal(prepareWritableDirectory(join(dir, 'file/state'), USE));

    expect(error.message).toContain(`${join(dir, 'file')} is a file, not a directory`);
  });

  it.each(['/proc/cliniko-bridge', '/sys/cliniko-bridge', '/dev/cliniko-bridge', '/proc'])(
    'refuses %s without creating anything',
    async (path) => {
      const error = await refusal(prepareWritableDirectory(path, USE));

      expect(error.message).toMatch(/kernel pseudo-filesystem/);
      await expect(stat('/dev/cliniko-bridge')).rejects.toThrow();
    },
  );

  it('refuses a path that reaches /proc through a symbolic link', async () => {
    await symlink('/proc', join(dir, 'to-proc'));

    const error = await refusal(prepareWritableDirectory(join(dir, 'to-proc/state'), USE));

    expect(error.message).toMatch(/\/proc is on \/proc, a kernel pseudo-filesystem/);
  });
});

describe('prepareAppendableFile', () => {
  const SINK: LocationUse = { flag: '--sink', subject: 'cannot write it', fix: 'choose another file' };

  it('accepts an existing writable file and a new file whose directories it creates', async () => {
    await writeFile(join(dir, 'events.ndjson'), '{}\n');

    await prepareAppendableFile(join(dir, 'events.ndjson'), SINK);
    await prepareAppendableFile(join(dir, 'new/events.ndjson'), SINK);

    expect(await readdir(join(dir, 'new'))).toEqual([]);
  });

  it('refuses a file whose directory is a file', async () => {
    await writeFile(join(dir, 'file'), 'x');

    const error = await refusal(prepareAppendableFile(join(dir, 'file/events.ndjson'), SINK));

    expect(error.message).toBe(
      `--sink: cannot write it: ${join(dir, 'file')} is a file, not a directory; choose another file`,
    );
  });

  it('refuses a directory and a device, which cannot be appended to and synced', async () => {
    expect((await refusal(prepareAppendableFile(dir, SINK))).message).toContain('is a directory');
    expect((await refusal(prepareAppendableFile('/dev/null', SINK))).message).toContain(
      'is not a regular file',
    );
  });

  it('refuses a regular file on a pseudo-filesystem', async () => {
    const error = await refusal(prepareAppendableFile('/proc/self/comm', SINK));

    expect(error.message).toMatch(/kernel pseudo-filesystem/);
  });
});

describe('pseudoFilesystemAt', () => {
  it('names the pseudo-filesystem of a path, by location or filesystem type', async () => {
    expect(await pseudoFilesystemAt('/proc/self')).toBe('/proc');
    expect(await pseudoFilesystemAt('/dev')).toBe('/dev');
    expect(await pseudoFilesystemAt(dir)).toBeUndefined();
    expect(await pseudoFilesystemAt('/procession')).toBeUndefined();
  });
});
