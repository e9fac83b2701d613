/**
 * The repository's gates bite: a probe with what the lint must refuse (a focused test, a skipped
 * test, an unused import, a console.log) fails `npm run lint`'s Biome check, and a probe assigning
 * `undefined` to an optional member fails the typecheck under the root tsconfig.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** Runs `command` on a probe file written in this folder; its exit code and output. */
async function probe(
  name: string,
  text: string,
  command: (path: string) => [string, string[]],
): Promise<{ code: number; output: string }> {
  const path = join(root, 'test', 'repository', name);
  await writeFile(path, text);
  try {
    const [file, args] = command(path);
    await run(file, args, { cwd: root });
    return { code: 0, output: '' };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  } finally {
    await rm(path, { force: true });
  }
}

describe('the gates', () => {
  it('lint refuses focused and skipped tests, unused imports and console.log', async () => {
    const lintArgs = ['check', '--error-on-warnings'];
    const { code, output } = await probe(
      `gate-probe-${process.pid}.ts`,
      [
        "import { readFile } from 'node:fs';",
        "import { it } from 'vitest';",
        "it.only('focused', () => {});",
        "it.skip('skipped', () => {});",
        "console.log('debugging');",
        '',
      ].join('\n'),
      (path) => [bin('biome'), [...lintArgs, path]],
    );

    expect(code).not.toBe(0);
    for (const rule of ['noFocusedTests', 'noSkippedTests', 'noUnusedImports', 'noConsole']) {
      expect(output).toContain(rule);
    }
  });

  it('the typecheck refuses undefined in an optional member that does not allow it', async () => {
    const config = join(root, 'test', 'repository', `tsconfig.probe-${process.pid}.json`);
    const source = `gate-probe-types-${process.pid}.ts`;
    await writeFile(config, JSON.stringify({ extends: '../../tsconfig.json', include: [source] }));
    try {
      const { code, output } = await probe(
        source,
        [
          'interface Options { readonly size?: number }',
          'const given: number | undefined = undefined;',
          'export const options: Options = { size: given };',
          '',
        ].join('\n'),
        () => [bin('tsc'), ['--noEmit', '-p', config]],
      );

      expect(code).not.toBe(0);
      expect(output).toContain('exactOptionalPropertyTypes');
    } finally {
      await rm(config, { force: true });
    }
  }, 60_000);
});
