/**
 * Patient-data safety across the whole pipeline: records full of sentinel values go through the
 * engine, the Lambda handler and the CLI — cleanly and under faults whose truncated bodies carry the
 * sentinels — and no log line, metric, error message, report or CLI output may contain any of them
 * (nor the API key). Event payloads in `full` mode must contain them: that proves they were processed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { TokenBucket } from '../../shared/cliniko/token-bucket.js';
import { syncAccount } from '../../shared/engine/sync.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from '../cli/cli-process.js';
import { emfMetrics, lambdaContext, startHarness } from '../functions/poller/poller-harness.js';
import { CapturingLogger, streams, syncOptions } from '../shared/engine/sync-harness.js';
import { TEST_KEYS } from '../support/content-keys.js';
import { type LocalStateTable, startLocalStateTable } from '../support/dynalite.js';
import { InMemoryStateStore } from '../support/memory-state-store.js';
import { RecordingPublisher } from '../support/recording-publisher.js';
import {
  createSentinelRecords,
  editSentinelPatient,
  forbiddenStrings,
  leaks,
  SAFETY_USER_AGENT,
  SENTINELS,
  setFaults,
} from './sentinel-records.js';

let sim: RunningSimulator;
let patientId = '';
let forbidden: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, patients: 6, appointments: 6, rateLimitPerMinute: 100_000 });
  patientId = await createSentinelRecords(sim);
  forbidden = forbiddenStrings(sim);
});
afterAll(async () => {
  await sim?.close();
});

const client = (apiKey = sim.apiKeys[0] ?? '') =>
  new ClinikoClient({
    apiKey,
    userAgent: SAFETY_USER_AGENT,
    baseUrl: sim.baseUrl,
    bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 1000, sleep: () => Promise.resolve() }),
    sleep: () => Promise.resolve(),
    maxAttempts: 2,
  });

async function errorText(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    return error instanceof Error
      ? `${error.name} ${error.message} ${String(error.cause ?? '')}`
      : String(error);
  }
  throw new Error('expected a failure');
}

describe('patient data stays out of logs, metrics, errors and CLI output', () => {
  it('the engine logs and reports no record data, clean or under faults, while its events carry it', async () => {
    const cliniko = client();
    const logger = new CapturingLogger();
    const publisher = new RecordingPublisher();
    const state = new InMemoryStateStore();
    const options = syncOptions({ streams: streams('patients', 'contacts'), startFrom: 'beginning' });
    const poll = () => syncAccount({ cliniko, keys: TEST_KEYS, state, publisher, logger }, options);

    const reports = [await poll()];
    await editSentinelPatient(sim, patientId);
    await setFaults(sim, { malformedRate: 1 });
    reports.push(await poll());
    await setFaults(sim, { resetRate: 1 });
    const failure = await errorText(poll);
    await setFaults(sim, undefined);
    reports.push(await poll());
    await cliniko.close();

    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
    expect(leaks(logger.text(), forbidden)).toEqual([]);
    expect(leaks(JSON.stringify(reports), forbidden)).toEqual([]);
    expect(leaks(failure, forbidden)).toEqual([]);
    expect(leaks(JSON.stringify(publisher.events), forbidden)).toEqual(
      expect.arrayContaining([SENTINELS.patientFirst, SENTINELS.patchedNote, SENTINELS.contactNote]),
    );
  });

  it('client errors name neither a query value nor a wrong API key', async () => {
    const cliniko = client();
    const wrongKey = client(`${SENTINELS.queryValue}-key`);

    const badFilter = await errorText(() =>
      cliniko.listPage('/patients', 'patients', { filters: [`no_such_column:=${SENTINELS.queryValue}`] }),
    );
    const badKey = await errorText(() => wrongKey.listPage('/patients', 'patients', {}));
    await cliniko.close();
    await wrongKey.close();

    expect(badFilter).toContain('not searchable');
    expect(badKey).toContain('401');
    expect(leaks(`${badFilter}\n${badKey}`, [...forbidden, 'no_such_column:='])).toEqual([]);
  });

  describe('the Lambda poller', () => {
    let table: LocalStateTable;
    beforeAll(async () => {
      table = await startLocalStateTable('safety-state');
    });
    afterAll(async () => {
      await table?.close();
    });

    it('writes log lines and EMF metrics without record data, clean or under faults', async () => {
      const harness = startHarness({
        config: {
          accounts: [
            {
              id: 'safety-clinic',
              apiKeySecret: 'cliniko/safety',
              baseUrl: sim.baseUrl,
              streams: ['patients', 'contacts'],
            },
          ],
          userAgent: SAFETY_USER_AGENT,
          startFrom: 'beginning',
        },
        table,
        secrets: { 'cliniko/safety': [sim.apiKeys[0] ?? ''] },
      });
      try {
        await harness.handler({ account: 'safety-clinic' }, lambdaContext());
        await editSentinelPatient(sim, patientId);
        await setFaults(sim, { malformedRate: 1 });
        await harness.handler({ account: 'safety-clinic' }, lambdaContext()).catch(() => undefined);
        await setFaults(sim, undefined);
      } finally {
        await setFaults(sim, undefined);
        await harness.close();
      }

      const output = harness.output.join('');
      expect(emfMetrics(harness.json()).names.length).toBeGreaterThan(0);
      expect(output).toContain('ContractError');
      expect(leaks(output, forbidden)).toEqual([]);
      expect(leaks(JSON.stringify(harness.publisher.events), forbidden)).toContain(SENTINELS.patientFirst);
    });
  });

  describe('the CLI', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'safety-cli-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const runOnce = (name: string, payload: string) =>
      runCli([
        'run',
        '--once',
        '--api-key',
        sim.apiKeys[0] ?? '',
        '--base-url',
        sim.baseUrl,
        '--user-agent',
        SAFETY_USER_AGENT,
        '--streams',
        'patients,contacts',
        '--start-from',
        'beginning',
        '--payload',
        payload,
        '--state-dir',
        join(dir, `state-${name}`),
        '--sink',
        'console',
        '--sink',
        `ndjson:${join(dir, `${name}.ndjson`)}`,
      ]);

    it('prints no record data on the console or stderr, while the full-mode ndjson file carries it', async () => {
      const result = await runOnce('full', 'full');
      const ndjson = await readFile(join(dir, 'full.ndjson'), 'utf8');

      expect(result.code).toBe(0);
      expect(result.stdout).toContain('patients/');
      expect(leaks(`${result.stdout}\n${result.stderr}`, forbidden)).toEqual([]);
      expect(leaks(ndjson, forbidden)).toEqual(
        expect.arrayContaining([SENTINELS.patientFirst, SENTINELS.patientEmail, SENTINELS.contactFirst]),
      );
    });

    it('keeps record data out of the ndjson file in ids mode and out of error output under faults', async () => {
      await setFaults(sim, { malformedRate: 0.5 });
      const faulty = await runOnce('ids', 'ids').finally(() => setFaults(sim, undefined));
      const clean = await runOnce('ids', 'ids');
      const ndjson = await readFile(join(dir, 'ids.ndjson'), 'utf8');

      expect(clean.code).toBe(0);
      expect(ndjson).toContain(patientId);
      expect(
        leaks(`${faulty.stdout}\n${faulty.stderr}\n${clean.stdout}\n${clean.stderr}`, forbidden),
      ).toEqual([]);
      expect(leaks(ndjson, forbidden)).toEqual([]);
    });
  });
});
