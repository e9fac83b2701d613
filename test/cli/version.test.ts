import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const packageVersion = async (): Promise<string> =>
  (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

describe('cliniko-bridge --version', () => {
  it.each([['--version'], ['-V'], ['version']])(
    '%s prints the package version alone on stdout and exits 0',
    async (flag) => {
      const result = await runCli([flag]);

      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${await packageVersion()}\n`);
      expect(result.stderr).toBe('');
    },
  );

  it('version --json prints the name and version as JSON', async () => {
    const result = await runCli(['version', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      name: 'cliniko-change-bridge',
      version: await packageVersion(),
    });
  });

  it('lists version in the usage', async () => {
    const result = await runCli(['--help']);

    expect(result.stdout).toMatch(/^ {2}version +/m);
    expect(result.stdout).toContain('--version');
  });
});
