import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stackNameOf } from '../../infra/bridge-app.js';
import {
  CONFIG_ENV_VAR,
  type ConfigSourceOptions,
  loadBridgeConfig,
  resolveConfigPath,
} from '../../infra/config-source.js';
import { ConfigError } from '../../shared/errors.js';
import { exampleConfig, synthBridge } from './bridge-fixture.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const example = JSON.parse(
  readFileSync(join(repositoryRoot, 'config/bridge.example.json'), 'utf8'),
) as Record<string, unknown>;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-config-'));
  mkdirSync(join(dir, 'config'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(path: string, content: unknown): string {
  const full = join(dir, path);
  writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  return full;
}

const withUserAgent = (userAgent: string) => ({ ...example, userAgent });

function caught(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('resolveConfigPath', () => {
  it('prefers the CDK context over the environment, bridge.json and the example', () => {
    write('config/bridge.example.json', example);
    write('config/bridge.json', example);
    write('mine.json', example);
    write('env.json', example);

    const path = resolveConfigPath({
      cwd: dir,
      contextPath: 'mine.json',
      env: { [CONFIG_ENV_VAR]: 'env.json' },
    });

    expect(path).toBe(join(dir, 'mine.json'));
  });

  it('uses the environment variable when no context is given', () => {
    write('config/bridge.json', example);
    write('env.json', example);

    expect(resolveConfigPath({ cwd: dir, env: { [CONFIG_ENV_VAR]: 'env.json' } })).toBe(
      join(dir, 'env.json'),
    );
  });

  it('falls back to config/bridge.json, never to the example unless it is named', () => {
    write('config/bridge.example.json', example);
    expect(() => resolveConfigPath({ cwd: dir })).toThrow(/no configuration of your own/);
    expect(resolveConfigPath({ cwd: dir, contextPath: 'config/bridge.example.json' })).toBe(
      join(dir, 'config/bridge.example.json'),
    );

    write('config/bridge.json', example);
    expect(resolveConfigPath({ cwd: dir })).toBe(join(dir, 'config/bridge.json'));
  });

  it('names the option that points at a missing file', () => {
    expect(() => resolveConfigPath({ cwd: dir, contextPath: 'missing.json' })).toThrow(
      /^-c config: names missing.json, which does not exist/,
    );
  });

  it('says how to start when there is no configuration of the operator’s own', () => {
    expect(() => resolveConfigPath({ cwd: dir })).toThrow(
      /copy config\/bridge.example.json to config\/bridge.json and put your accounts and userAgent in it, or name a file with -c config=PATH or CLINIKO_BRIDGE_CONFIG=PATH/,
    );
  });
});

describe('loadBridgeConfig', () => {
  it('returns the validated configuration with defaults applied', () => {
    const { source: _source, ...withoutSource } = example;
    write('config/bridge.json', withoutSource);

    const { config, path } = loadBridgeConfig({ cwd: dir });

    expect(path).toBe(join(dir, 'config/bridge.json'));
    expect(config.source).toBe('cliniko');
    expect(config.accounts.map((a) => a.id)).toEqual(['harbourside-physio', 'northgate-allied-health']);
  });

  it('rejects an invalid field with a ConfigError naming the field and the fix', () => {
    write('config/bridge.json', withUserAgent('curl/8.0'));

    let error: unknown;
    try {
      loadBridgeConfig({ cwd: dir });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('userAgent');
    expect((error as ConfigError).message).toMatch(/^userAgent: .*Name \(email@domain\)/);
  });

  it.each<[string, Omit<ConfigSourceOptions, 'cwd'>, string]>([
    ['the CDK context', { contextPath: 'config' }, '-c config'],
    ['the environment variable', { env: { [CONFIG_ENV_VAR]: 'config' } }, CONFIG_ENV_VAR],
  ])('names %s and the fix when it points at a directory', (_source, given, field) => {
    const error = caught(() => loadBridgeConfig({ cwd: dir, ...given }));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(
      /names config, which is a directory; give the path of your bridge\.json file/,
    );
  });

  it('names the default path when config/bridge.json is a directory', () => {
    mkdirSync(join(dir, 'config/bridge.json'));

    const error = caught(() => loadBridgeConfig({ cwd: dir }));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('config/bridge.json');
    expect((error as ConfigError).message).toContain('is a directory');
  });

  it('rejects a file that is not JSON', () => {
    write('config/bridge.json', '{ "accounts": [ }');

    expect(() => loadBridgeConfig({ cwd: dir })).toThrow(/is not valid JSON/);
  });
});

describe('the CDK app entry point', () => {
  it('stops synth with exit code 2 and the field, problem and fix when the configuration is invalid', () => {
    const bad = write('bad.json', {
      ...example,
      accounts: [{ id: 'Main Clinic', apiKeySecret: 'cliniko/main' }],
    });

    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: repositoryRoot,
      env: { ...process.env, [CONFIG_ENV_VAR]: bad, CDK_OUTDIR: join(dir, 'cdk.out') },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`Invalid Cliniko Change Bridge configuration (${bad})`);
    expect(result.stderr).toMatch(/accounts\[0\]\.id: /);
    expect(result.stdout).toBe('');
  });

  it('stops synth with exit code 2 and no stack trace when the configuration path is a directory', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: repositoryRoot,
      env: { ...process.env, [CONFIG_ENV_VAR]: join(dir, 'config'), CDK_OUTDIR: join(dir, 'cdk.out') },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${CONFIG_ENV_VAR}: names ${join(dir, 'config')}, which is a directory`);
    expect(result.stderr).not.toMatch(/EISDIR|\n\s+at /);
  });

  it('refuses to synthesize without a configuration of the operator’s own, saying how to make one (exit 2)', () => {
    // A folder holding only the example: what a fresh clone has.
    write('config/bridge.example.json', example);

    const result = spawnSync(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(repositoryRoot, 'infra/app.ts')],
      {
        cwd: dir,
        env: { ...withoutConfigVariable(process.env), CDK_OUTDIR: join(dir, 'cdk.out') },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('No Cliniko Change Bridge configuration to deploy:');
    expect(result.stderr).toContain('copy config/bridge.example.json to config/bridge.json');
    expect(result.stderr).toContain('-c config=config/bridge.example.json');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

function withoutConfigVariable(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [CONFIG_ENV_VAR]: _config, ...rest } = env;
  return rest;
}

describe('the stack name', () => {
  it('is ClinikoChangeBridge, or ClinikoChangeBridge-<stage> when the configuration names a stage', () => {
    expect(stackNameOf({})).toBe('ClinikoChangeBridge');
    expect(stackNameOf({ stage: 'production' })).toBe('ClinikoChangeBridge-production');
    expect(synthBridge(exampleConfig({ stage: 'test' })).stack.stackName).toBe('ClinikoChangeBridge-test');
  });

  it('refuses a stage CloudFormation could not name a stack after, naming the field', () => {
    expect(() => exampleConfig({ stage: 'prod_1' })).toThrow(/stage/);
  });
});
