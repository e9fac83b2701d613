/**
 * The CLI as a package: `npm pack` of the repository ships only what runs (the bin, the compiled
 * bundle, its bundled dependency), and the tarball installs and runs from any folder with the
 * registry out of reach — installed into a project, and through `npx -p <tarball>` with an empty
 * npm cache — including a simulated `run --once` whose events the events package accepts.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChangeEvent } from '../../packages/events/src/index.js';
import { changeEventSchema } from '../../shared/events/schema.js';
import {
  installTarball,
  isolatedEnv,
  type PackReport,
  pack,
  type Ran,
  REPO_ROOT,
  run,
} from '../packages/packing.js';

const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bundleDependencies: string[];
};

let dir = '';
let packed: PackReport & { readonly tarball: string };
let installed: Ran;
const project = () => join(dir, 'project');
const bin = () => join(project(), 'node_modules', '.bin', 'cliniko-bridge');
const cli = (args: readonly string[], cwd = project()) =>
  run(bin(), args, { cwd, env: isolatedEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-package-'));
  packed = await pack(REPO_ROOT, dir);
  installed = await installTarball(project(), packed.tarball);
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the packed cliniko-bridge package', () => {
  it('ships the bin, the compiled bundle, its licences and the bundled dependency, and no source or test', () => {
    const own = packed.files.map((file) => file.path).filter((path) => !path.startsWith('node_modules/'));

    expect(own).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/cliniko-bridge.js', 'dist/cli.js']),
    );
    expect(
      own.filter(
        (path) =>
          !/^(package\.json|README\.md|bin\/cliniko-bridge\.js|dist\/[\w-]+\.js|dist\/THIRD-PARTY-LICENSES\.txt)$/.test(
            path,
          ),
      ),
    ).toEqual([]);
    const bundled = new Set(
      packed.files
        .filter((file) => file.path.startsWith('node_modules/'))
        .map((file) => file.path.split('/')[1]),
    );
    expect([...bundled]).toEqual(expect.arrayContaining(manifest.bundleDependencies));
    expect(packed.size).toBeLessThan(5 * 1024 * 1024);
    expect(packed.unpackedSize).toBeLessThan(16 * 1024 * 1024);
  });

  it('installs from the tarball alone, offline, with nothing fetched', () => {
    expect(installed.code, installed.stderr).toBe(0);
  });

  it('prints its version and its usage from another folder', async () => {
    const version = await cli(['--version'], dir);
    const help = await cli(['--help'], dir);

    expect([version.code, version.stdout, version.stderr]).toEqual([0, `${manifest.version}\n`, '']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cliniko-bridge <command> [options]');
  });

  it('runs with npx -p <tarball> from an empty folder, with an empty npm cache and no registry', async () => {
    const folder = join(dir, 'elsewhere');
    await mkdir(folder);
    const result = await run(
      'npx',
      ['--offline', '--yes', '-p', packed.tarball, 'cliniko-bridge', '--version'],
      {
        cwd: folder,
        env: isolatedEnv({ npm_config_cache: join(dir, 'npm-cache') }),
      },
    );

    expect([result.code, result.stdout]).toEqual([0, `${manifest.version}\n`]);
  });

  it('runs a simulated backfill to completion with its state on disk, writing events the events package accepts', async () => {
    const result = await cli([
      'run',
      '--simulate',
      '--once',
      '--start-from',
      'beginning',
      '--sink',
      'ndjson:events.ndjson',
      // On disk: dynalite's LevelDB binding (native) from the tarball's bundled dependency.
      '--state-dir',
      'state',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Caught up: \d+ events/);
    const events = (await readFile(join(project(), 'events.ndjson'), 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
    expect(events.length).toBeGreaterThan(100);
    expect(events.filter((event) => !isChangeEvent(event))).toEqual([]);
    expect(events.filter((event) => !changeEventSchema.safeParse(event).success)).toEqual([]);
    expect(await readdir(join(project(), 'state'))).toContain('dynalite');
  }, 90_000);
});
