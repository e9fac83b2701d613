/**
 * The pack-and-consume test: the events package is packed as it would be published, installed from
 * the tarball alone into a new project (offline, registry unreachable), and used from plain Node (ES
 * modules and CommonJS) and from TypeScript with `--strict` under every module resolution a consumer
 * may use (node16 ESM and CommonJS, bundler, node10). A misspelt detail-type must not compile.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import { DETAIL_TYPES } from '../../../shared/events/schema.js';
import { installTarball, type PackReport, pack, type Ran, REPO_ROOT, run, TSC } from '../packing.js';

const PACKAGE = '@cliniko-change-bridge/events';

const USE_FROM_JS = (load: string) => `${load}
const events = JSON.parse(readFileSync(join(__dirname_, 'events.json'), 'utf8'));
const broken = { ...events[0], detail: { ...events[0].detail, recordId: 12 } };
let error = '';
try {
  parseChangeEvent(broken);
} catch (caught) {
  error = caught instanceof InvalidEventError ? caught.issues.map((issue) => issue.path).join() : 'another error';
}
console.log(JSON.stringify({
  entities: Object.keys(ENTITIES).length,
  valid: events.filter((event) => isChangeEvent(event)).length,
  ofOwnType: events.filter((event) => isEventOfType(event, event['detail-type'])).length,
  patients: events.filter((event) => isEventOfEntity(event, 'patient')).length,
  signalled: events.filter((event) => hasSignal(event, 'rescheduled') || hasSignal(event, 'paid')).length,
  brokenIsValid: isChangeEvent(broken),
  error,
}));
`;

const ESM = USE_FROM_JS(`import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTITIES, InvalidEventError, hasSignal, isChangeEvent, isEventOfEntity, isEventOfType, parseChangeEvent } from '${PACKAGE}';
const __dirname_ = dirname(fileURLToPath(import.meta.url));`);

const CJS = USE_FROM_JS(`const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { ENTITIES, InvalidEventError, hasSignal, isChangeEvent, isEventOfEntity, isEventOfType, parseChangeEvent } = require('${PACKAGE}');
const __dirname_ = __dirname;`);

/** TypeScript a consumer writes: narrowing on detail-type, typed data, guards with literals. */
const CONSUMER_TS = `import {
  type ChangeEvent,
  type DetailType,
  type PatientData,
  hasSignal,
  isChangeEvent,
  isEventOfEntity,
  isEventOfType,
} from '${PACKAGE}';

export function describeEvent(event: ChangeEvent): string {
  switch (event['detail-type']) {
    case 'patient.updated': {
      const data: PatientData | undefined = event.detail.data;
      const email: string | null | undefined = data?.email;
      const resource: 'patients' = event.detail.resource;
      return \`\${resource} \${event.detail.changes?.fields.join('+')} email:\${typeof email}\`;
    }
    case 'individual_appointment.cancelled': {
      const reason: number | null | undefined = event.detail.data?.cancellation_reason;
      return \`\${event.detail.resource} cancelled reason:\${reason}\`;
    }
    default:
      return event['detail-type'];
  }
}

export function summarize(inputs: readonly unknown[]): string[] {
  const lines: string[] = [];
  for (const input of inputs) {
    if (isChangeEvent(input) && hasSignal(input, 'rescheduled')) {
      // Narrowed to the appointments: their tracked starts_at, their stream.
      const from: unknown = input.detail.previous?.starts_at;
      const resource: 'individual_appointments' | 'group_appointments' = input.detail.resource;
      lines.push(\`rescheduled \${resource} from:\${typeof from} sequence:\${input.detail.sequence}\`);
    }
    if (isEventOfType(input, 'patient.updated')) lines.push(describeEvent(input));
    else if (isEventOfEntity(input, 'individual_appointment')) lines.push(describeEvent(input));
    else if (isChangeEvent(input)) {
      const type: DetailType = input['detail-type'];
      if (type === 'invoice.created') lines.push(type);
    }
  }
  return lines;
}
`;

/** The same package through \`require\` in TypeScript (node16 resolution, a .cts file). */
const CONSUMER_CTS = `import { type ChangeEvent, isChangeEvent } from '${PACKAGE}';

export function valid(inputs: readonly unknown[]): ChangeEvent[] {
  return inputs.filter((input): input is ChangeEvent => isChangeEvent(input));
}
`;

/** Lines 4 and 7 misspell a detail-type, line 6 a signal; each must be a compile error. */
const TYPO_TS = `import { type DetailType, hasSignal, isChangeEvent, isEventOfType } from '${PACKAGE}';

export function typos(input: unknown): boolean {
  const type: DetailType = 'patient.udpated';
  void type;
  if (isChangeEvent(input) && hasSignal(input, 'reschedlued')) return true;
  return isEventOfType(input, 'patinet.updated');
}
`;

const tsconfig = (options: Record<string, unknown>, files: readonly string[]) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      lib: ['ES2022'],
      types: [],
      skipLibCheck: false,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      ...options,
    },
    files,
  });

const CONFIGS: Readonly<Record<string, string>> = {
  'tsconfig.node16.json': tsconfig({ module: 'node16', moduleResolution: 'node16', outDir: 'out' }, [
    'consumer.ts',
    'consumer.cts',
  ]),
  'tsconfig.bundler.json': tsconfig({ module: 'esnext', moduleResolution: 'bundler', noEmit: true }, [
    'consumer.ts',
  ]),
  'tsconfig.node10.json': tsconfig({ module: 'commonjs', moduleResolution: 'node10', noEmit: true }, [
    'consumer.ts',
  ]),
  'tsconfig.typo.json': tsconfig({ module: 'node16', moduleResolution: 'node16', noEmit: true }, ['typo.ts']),
};

let dir = '';
let packed: PackReport & { readonly tarball: string };
let installed: Ran;
const project = () => join(dir, 'consumer');
const node = (args: readonly string[]) => run(process.execPath, args, { cwd: project() });
const tsc = (config: string) => node([TSC, '-p', config]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'events-package-'));
  packed = await pack(join(REPO_ROOT, 'packages', 'events'), dir);
  installed = await installTarball(project(), packed.tarball, { type: 'module' });
  const files: Record<string, string> = {
    'events.json': JSON.stringify([...exampleEvents().values()]),
    'esm.mjs': ESM,
    'cjs.cjs': CJS,
    'consumer.ts': CONSUMER_TS,
    'consumer.cts': CONSUMER_CTS,
    'typo.ts': TYPO_TS,
    ...CONFIGS,
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(project(), name), content);
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the packed events package', () => {
  it('ships only compiled JavaScript, declarations, its README and package.json', () => {
    const paths = packed.files.map((file) => file.path);

    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/esm/index.js', 'dist/cjs/index.js']),
    );
    expect(
      paths.filter(
        (path) =>
          !/^(package\.json|README\.md|dist\/(esm|cjs)\/.+\.(js|d\.ts)|dist\/cjs\/package\.json)$/.test(path),
      ),
    ).toEqual([]);
    expect(packed.size).toBeLessThan(64 * 1024);
    expect(packed.unpackedSize).toBeLessThan(512 * 1024);
  });

  it('installs from the tarball alone, offline, with no dependency of its own', async () => {
    expect(installed.code, installed.stderr).toBe(0);
    expect((await readdir(join(project(), 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual([
      '@cliniko-change-bridge',
    ]);
  });

  const EXPECTED_JS = {
    entities: new Set(DETAIL_TYPES.map((type) => type.slice(0, type.indexOf('.')))).size,
    valid: DETAIL_TYPES.length,
    ofOwnType: DETAIL_TYPES.length,
    patients: DETAIL_TYPES.filter((type) => type.startsWith('patient.')).length,
    // The catalog's individual_appointment.updated (a reschedule) and invoice.updated (a payment).
    signalled: 2,
    brokenIsValid: false,
    error: 'detail.recordId',
  };

  it('runs as an ES module in plain Node, with no TypeScript loader', async () => {
    const result = await node(['esm.mjs']);

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED_JS);
  });

  it('runs as CommonJS in plain Node', async () => {
    const result = await node(['cjs.cjs']);

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED_JS);
  });

  it('compiles with tsc --strict under node16 resolution (ESM and CommonJS), and the output runs', async () => {
    const compiled = await tsc('tsconfig.node16.json');
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);

    const script = `import { readFileSync } from 'node:fs';
      import { createRequire } from 'node:module';
      import { summarize } from './out/consumer.js';
      const events = JSON.parse(readFileSync('events.json', 'utf8'));
      const { valid } = createRequire(import.meta.url)('./out/consumer.cjs');
      console.log(JSON.stringify({ lines: summarize(events), valid: valid(events).length }));`;
    const result = await node(['--input-type=module', '-e', script]);

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      lines: expect.arrayContaining([
        'patients email+patient_phone_numbers email:string',
        'individual_appointments cancelled reason:50',
        'rescheduled individual_appointments from:string sequence:2',
        'individual_appointment.created',
        'invoice.created',
      ]),
      valid: DETAIL_TYPES.length,
    });
  });

  it('compiles with tsc --strict under bundler and node10 resolution', async () => {
    for (const config of ['tsconfig.bundler.json', 'tsconfig.node10.json']) {
      const compiled = await tsc(config);

      expect(compiled.stdout + compiled.stderr, config).toBe('');
      expect(compiled.code, config).toBe(0);
    }
  });

  it('does not compile a misspelt detail-type or signal, neither as a DetailType nor given to a guard', async () => {
    const compiled = await tsc('tsconfig.typo.json');

    expect(compiled.code).not.toBe(0);
    const errors = compiled.stdout.split('\n').filter((line) => line.startsWith('typo.ts('));
    expect(errors).toEqual([
      expect.stringMatching(
        /^typo\.ts\(4,9\): error TS2820: Type '"patient\.udpated"' is not assignable.*Did you mean '"patient\.updated"'/,
      ),
      expect.stringMatching(/^typo\.ts\(6,\d+\): error TS2345: Argument of type '"reschedlued"'/),
      expect.stringMatching(/^typo\.ts\(7,31\): error TS2345: Argument of type '"patinet\.updated"'/),
    ]);
  });
});
