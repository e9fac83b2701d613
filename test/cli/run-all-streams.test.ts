/**
 * Issue 13's done-when, through the real binary: `run --once --streams all --start-from beginning`
 * against a simulator emits a snapshot of every record of every stream of the registry; then a
 * create, an update and each lifecycle change (archive, delete) to every stream beyond the first
 * eleven, made through the simulator, gives its own detail-type on a second `--once` with the same
 * state, and nothing else: the events are exactly the simulator's changelog since. The records
 * updated are ones the test created before the backfill, so each update surely changes them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { isChangeEvent } from '../../shared/events/index.js';
import { findStream, STREAMS } from '../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import {
  createRecord,
  deleteRecord,
  type Related,
  related,
  updateRecord,
} from '../simulator/resources/write-cases.js';
import { api, items, type Rec } from '../simulator/sim-client.js';
import { changedFields } from '../support/changed-fields.js';
import { runCli } from './cli-process.js';
import { changelog, type SimulatorAccess, streamIds, TEST_USER_AGENT } from './simulator-api.js';

const NEW_STREAMS = STREAMS.filter((s) => !s.core);
/** Each run is held to the client's rate budget (200 requests a minute) over 32 streams. */
const RUN_TIMEOUT_MS = 240_000;

async function readEvents(path: string): Promise<ChangeEvent[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ChangeEvent);
}

const key = (e: ChangeEvent) => `${e['detail-type']} ${e.detail.resource}/${e.detail.recordId}`;

describe('cliniko-bridge run --once --streams all against the simulator', () => {
  let sim: RunningSimulator;
  let access: SimulatorAccess;
  let dir = '';
  let ids: Related;
  /** Per new stream, a record created before the backfill, for the second run to see updated. */
  const toEdit = new Map<string, string>();
  const onceArgs = (file: string, extra: readonly string[] = []) => [
    'run',
    '--once',
    '--streams',
    'all',
    '--sink',
    `ndjson:${join(dir, file)}`,
    '--base-url',
    sim.baseUrl,
    '--api-key',
    access.apiKey,
    '--user-agent',
    TEST_USER_AGENT,
    '--state-dir',
    join(dir, 'state'),
    ...extra,
  ];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 13, patients: 20, appointments: 30, rateLimitPerMinute: 1_000_000 });
    access = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    dir = await mkdtemp(join(tmpdir(), 'run-all-streams-'));
    ids = await related(sim);
    for (const stream of NEW_STREAMS) toEdit.set(stream.name, await createRecord(sim, stream.name, ids));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('backfills every record of all 32 streams as one snapshot each', {
    timeout: RUN_TIMEOUT_MS,
  }, async () => {
    const result = await runCli(onceArgs('backfill.ndjson', ['--start-from', 'beginning']));

    expect(result.code, result.stderr).toBe(0);
    const events = await readEvents(join(dir, 'backfill.ndjson'));
    expect(events.every((e) => isChangeEvent(e))).toBe(true);
    expect(STREAMS).toHaveLength(32);
    for (const stream of STREAMS) {
      const listed = await streamIds(access, stream.name);
      const snapshots = events.filter((e) => e.detail.resource === stream.name);
      expect(listed.length, `${stream.name} has records`).toBeGreaterThan(0);
      expect(
        snapshots.map((e) => e['detail-type']),
        stream.name,
      ).toEqual(listed.map(() => `${stream.entity}.snapshot`));
      expect(snapshots.map((e) => e.detail.recordId).sort(), stream.name).toEqual(listed.sort());
    }
    expect(new Set(events.map((e) => e.detail.resource)).size).toBe(32);
  });

  it('reports a create, an update, an archive and a delete of each new stream as their own detail-types, and nothing else, on a second --once', {
    timeout: RUN_TIMEOUT_MS,
  }, async () => {
    const before = (await changelog(access)).at(-1)?.seq ?? 0;
    const expected: string[] = [];
    const edits: { resource: string; id: string; before: Rec }[] = [];
    for (const stream of NEW_STREAMS) {
      const name = stream.name;
      const edited = toEdit.get(name) ?? '';
      // Other records every default list shows: not archived, not deleted.
      const [archived, deleted] = items(await api(sim, 'GET', `/${name}?sort=id&per_page=5`), name)
        .map((r) => String(r.id))
        .filter((id) => id !== edited);
      const created = await createRecord(sim, name, ids);
      expected.push(`${stream.entity}.created ${name}/${created}`);
      edits.push({ resource: name, id: edited, before: await read(name, edited) });
      await updateRecord(sim, name, edited);
      expected.push(`${stream.entity}.updated ${name}/${edited}`);
      if (stream.lifecycle.includes('archived_at')) {
        if (archived === undefined) throw new Error(`${name} lists no record to archive`);
        await write('POST', `/${name}/${archived}/archive`);
        expected.push(`${stream.entity}.archived ${name}/${archived}`);
      }
      if (stream.lifecycle.includes('deleted_at')) {
        if (deleted === undefined) throw new Error(`${name} lists no second record to delete`);
        await deleteRecord(sim, name, deleted, true);
        expected.push(`${stream.entity}.deleted ${name}/${deleted}`);
      }
    }

    const result = await runCli(onceArgs('changes.ndjson'));

    expect(result.code, result.stderr).toBe(0);
    const events = await readEvents(join(dir, 'changes.ndjson'));
    expect(events.every((e) => isChangeEvent(e))).toBe(true);
    const seen = events.map(key);
    const truth = (await changelog(access, before)).map(
      (c) => `${findStream(c.resource)?.entity}.${c.action} ${c.resource}/${c.id}`,
    );
    expect(
      expected.filter((change) => !truth.includes(change)),
      'changes the simulator logged',
    ).toEqual([]);
    expect(
      expected.filter((change) => !seen.includes(change)),
      'changes reported',
    ).toEqual([]);
    expect(seen.sort()).toEqual(truth.sort());
    for (const edit of edits) {
      const event = events.find((e) => e.detail.resource === edit.resource && e.detail.recordId === edit.id);
      const after = await read(edit.resource, edit.id);
      const derived = findStream(edit.resource)?.derivedFields;
      expect(event?.detail.changes?.fields, edit.resource).toEqual(
        changedFields(edit.before, after, derived),
      );
    }
  });

  async function read(resource: string, id: string): Promise<Rec> {
    const reply = await api(sim, 'GET', `/${resource}/${id}`);
    if (reply.status !== 200) throw new Error(`GET /${resource}/${id} answered ${reply.status}`);
    return reply.body;
  }

  async function write(method: 'POST', path: string): Promise<void> {
    const reply = await api(sim, method, path);
    if (reply.status >= 300) throw new Error(`${method} ${path} answered ${reply.status}`);
  }
});
