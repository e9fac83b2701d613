/**
 * Patient-data classes end to end: synthetic sentinel values planted in fields of each class (through
 * the simulator, and a field the bridge has never seen through the in-memory fake) must never reach a
 * destination that does not take that class — whichever sink carries it: console, ndjson, webhook,
 * EventBridge (the CLI's PutEvents over HTTP, and the poller Lambda's publisher), in `data`,
 * `changes.previous` or `changes.fields`. The operational sentinel is the positive control: it
 * reaches every destination, the narrowest included, which proves the runs carried record data.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataClass } from '../../shared/data-classes.js';
import { DataClassGate } from '../../shared/publish/data-class-gate.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from '../cli/cli-process.js';
import { lambdaContext, startHarness } from '../functions/poller/poller-harness.js';
import { Harness, streams } from '../shared/engine/sync-harness.js';
import { type Receiver, startReceiver } from '../shared/sinks/webhook-receiver.js';
import { type LocalStateTable, startLocalStateTable } from '../support/dynalite.js';
import { leaks, SAFETY_USER_AGENT } from './sentinel-records.js';

const SECRET = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;
const STREAMS = 'patients,medical_alerts,products';

/** Sentinels by class; each value is unique and cannot occur by chance. */
const planted: Record<DataClass, string[]> = { operational: [], personal: [], phi: [] };
function sentinel(dataClass: DataClass): string {
  const value = `Zqx${dataClass}sentinel${planted[dataClass].length + 1}`;
  planted[dataClass].push(value);
  return value;
}

let sim: RunningSimulator;
let patientId = '';

async function backdoor(method: string, path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${sim.origin}/__sim/records/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`backdoor answered ${response.status} to ${method} ${path}`);
  return (await response.json()) as { id: string };
}

/** A change of a personal and a phi field of the sentinel patient, both with fresh sentinels. */
async function editPatient(): Promise<void> {
  await backdoor('PATCH', `patients/${patientId}`, {
    set: { email: `${sentinel('personal')}@example.test`, notes: sentinel('phi') },
  });
}

/** An EventBridge endpoint on loopback: takes PutEvents (JSON 1.1, as the SDK sends it) and keeps each entry. */
interface PutEventsEndpoint {
  readonly url: string;
  readonly entries: { EventBusName?: string; Detail?: string }[];
  close(): Promise<void>;
}

async function startPutEventsEndpoint(): Promise<PutEventsEndpoint> {
  const entries: PutEventsEndpoint['entries'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: typeof entries };
      const received = body.Entries ?? [];
      entries.push(...received);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({ FailedEntryCount: 0, Entries: received.map((_, i) => ({ EventId: `e-${i}` })) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    entries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 13, patients: 3, appointments: 3, rateLimitPerMinute: 100_000 });
  patientId = (
    await backdoor('POST', 'patients', {
      first_name: sentinel('personal'),
      date_of_birth: '1900-01-01',
      notes: sentinel('phi'),
      medicare: sentinel('phi'),
    })
  ).id;
  await backdoor('POST', 'medical_alerts', { patient_id: patientId, name: sentinel('phi') });
  await backdoor('POST', 'products', { notes: sentinel('operational') });
});
afterAll(async () => {
  await sim?.close();
});

/** What each destination received, as text, by the classes it takes. */
interface Delivery {
  readonly name: string;
  readonly allows: readonly DataClass[];
  readonly text: string;
}

const deliveries: Delivery[] = [];
let consoleOut = '';

describe('the CLI sinks', () => {
  let dir = '';
  let receivers: Receiver[] = [];
  let endpoint: PutEventsEndpoint;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classes-safety-'));
    receivers = [await startReceiver(SECRET), await startReceiver(SECRET)];
    endpoint = await startPutEventsEndpoint();
    const [personalHook, phiHook] = receivers.map((r) => `webhook:${r.url}`);
    const file = (name: string) => `ndjson:${join(dir, `${name}.ndjson`)}`;
    const run = () =>
      runCli(
        [
          ...['run', '--once', '--api-key', sim.apiKeys[0] ?? '', '--base-url', sim.baseUrl],
          ...['--user-agent', SAFETY_USER_AGENT, '--streams', STREAMS, '--start-from', 'beginning'],
          ...['--payload', 'full', '--state-dir', join(dir, 'state')],
          ...['--sink', 'console', '--sink', file('operational'), '--sink', file('personal')],
          ...[
            '--sink',
            file('phi'),
            '--sink',
            file('all'),
            '--sink',
            `${personalHook}`,
            '--sink',
            `${phiHook}`,
          ],
          ...['--sink', 'eventbridge:bus-personal', '--sink', 'eventbridge:bus-phi'],
          ...['--allow-classes', 'operational'],
          ...['--allow-classes', `${file('personal')}=operational,personal`],
          ...['--allow-classes', `${file('phi')}=operational,phi`],
          ...['--allow-classes', `${file('all')}=operational,personal,phi`],
          ...['--allow-classes', `${personalHook}=operational,personal`],
          ...['--allow-classes', `${phiHook}=operational,phi`],
          ...['--allow-classes', 'eventbridge:bus-personal=operational,personal'],
          ...['--allow-classes', 'eventbridge:bus-phi=operational,phi'],
        ],
        {
          CLINIKO_BRIDGE_WEBHOOK_SECRET: SECRET,
          AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint.url,
          AWS_REGION: 'ap-southeast-2',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
        { timeoutMs: 60_000 },
      );

    const first = await run();
    await editPatient();
    const second = await run();
    expect([first.code, second.code, first.stderr + second.stderr]).toEqual([0, 0, expect.any(String)]);
    consoleOut = `${first.stdout}\n${second.stdout}`;

    const read = (name: string) => readFile(join(dir, `${name}.ndjson`), 'utf8');
    const bodies = (receiver: Receiver | undefined) => JSON.stringify(receiver?.accepted() ?? []);
    const bus = (name: string) =>
      JSON.stringify(endpoint.entries.filter((entry) => entry.EventBusName === name).map((e) => e.Detail));
    deliveries.push(
      { name: 'console', allows: ['operational'], text: consoleOut },
      { name: 'ndjson (operational)', allows: ['operational'], text: await read('operational') },
      { name: 'ndjson (personal)', allows: ['operational', 'personal'], text: await read('personal') },
      { name: 'ndjson (phi)', allows: ['operational', 'phi'], text: await read('phi') },
      { name: 'ndjson (all)', allows: ['operational', 'personal', 'phi'], text: await read('all') },
      { name: 'webhook (personal)', allows: ['operational', 'personal'], text: bodies(receivers[0]) },
      { name: 'webhook (phi)', allows: ['operational', 'phi'], text: bodies(receivers[1]) },
      { name: 'eventbridge (personal)', allows: ['operational', 'personal'], text: bus('bus-personal') },
      { name: 'eventbridge (phi)', allows: ['operational', 'phi'], text: bus('bus-phi') },
    );
  }, 150_000);

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await endpoint?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('deliver events to every sink, an update of the sentinel patient included', () => {
    for (const delivery of deliveries) {
      expect(delivery.text, delivery.name).toContain(patientId);
      expect(delivery.text, delivery.name).toContain('patient.updated');
    }
  });

  it('print the update of a withheld field on the console without its name', () => {
    const line = consoleOut.split('\n').find((l) => l.includes('patient.updated') && l.includes(patientId));

    expect(line).toMatch(/fields: 2 withheld {2}\(personal and phi fields withheld\)$/);
  });
});

describe('the poller Lambda (EventBridge publisher)', () => {
  let table: LocalStateTable;
  beforeAll(async () => {
    table = await startLocalStateTable('classes-safety');
    for (const allowClasses of [
      ['operational', 'personal'],
      ['operational', 'phi'],
    ] as const) {
      const account = `classes-${allowClasses.join('-')}`;
      const harness = startHarness({
        config: {
          accounts: [
            {
              id: account,
              apiKeySecret: 'cliniko/classes',
              baseUrl: sim.baseUrl,
              streams: STREAMS.split(','),
            },
          ],
          userAgent: SAFETY_USER_AGENT,
          startFrom: 'beginning',
          eventBus: { mode: 'create', allowClasses: [...allowClasses] },
          // The most data the bridge can send: whole records, and the old values of changed fields.
          payload: { default: { mode: 'full', previous: true } },
        },
        table,
        secrets: { 'cliniko/classes': [sim.apiKeys[0] ?? ''] },
      });
      try {
        await harness.handler({ account }, lambdaContext());
        await editPatient();
        await harness.handler({ account }, lambdaContext());
      } finally {
        await harness.close();
      }
      const events = harness.publisher.events;
      expect(events.some((e) => e.detail.changes?.previous !== undefined)).toBe(true);
      deliveries.push({
        name: `lambda (${allowClasses.join(', ')})`,
        allows: allowClasses,
        text: JSON.stringify(events),
      });
    }
  }, 60_000);
  afterAll(async () => {
    await table?.close();
  });

  it('publish the old values of changed fields only of the classes the bus takes', () => {
    const lambda = deliveries.filter((d) => d.name.startsWith('lambda'));

    expect(lambda).toHaveLength(2);
    expect(lambda[0]?.text).toMatch(/"previous":\{"email":"Zqxpersonalsentinel\d@example\.test"\}/);
    expect(lambda[1]?.text).toMatch(/"previous":\{"notes":"Zqxphisentinel\d"\}/);
  });
});

describe.each(['phi', 'personal'] as const)('a %s sentinel', (dataClass) => {
  it('never reaches a destination that does not take its class, in any sink', () => {
    const closed = deliveries.filter((d) => !d.allows.includes(dataClass));

    expect(closed.map((d) => d.name).length).toBeGreaterThanOrEqual(6);
    for (const delivery of closed)
      expect(leaks(delivery.text, planted[dataClass]), delivery.name).toEqual([]);
  });

  it('reaches the file, webhook and bus destinations that take it (the check can fail)', () => {
    const open = deliveries.filter((d) => d.allows.includes(dataClass) && d.name !== 'console');

    expect(open.length).toBeGreaterThanOrEqual(4);
    for (const delivery of open)
      expect(leaks(delivery.text, planted[dataClass]), delivery.name).not.toEqual([]);
  });
});

describe('an operational sentinel', () => {
  it('reaches every file, webhook and bus destination, the operational-only one included', () => {
    const open = deliveries.filter((d) => d.name !== 'console');

    expect(open.length).toBeGreaterThanOrEqual(9);
    for (const delivery of open)
      expect(leaks(delivery.text, planted.operational), delivery.name).toEqual(planted.operational);
  });
});

describe('a field the bridge has never seen (in-memory Cliniko)', () => {
  it('is withheld as phi from a destination that takes operational and personal data', async () => {
    const harness = new Harness({ streams: streams('businesses', 'patients') });
    const value = 'Zqxunknownfieldsentinel';
    harness.cliniko.create('businesses', {
      business_name: 'Synthetic Clinic',
      a_field_cliniko_added_later: value,
    });
    harness.cliniko.create('patients', { first_name: 'Synthetic', a_field_cliniko_added_later: value });
    const gated = new DataClassGate(harness.publisher, ['operational', 'personal']);

    await harness.poll({}, { publisher: gated });

    expect(harness.publisher.events).toHaveLength(2);
    expect(leaks(JSON.stringify(harness.publisher.events), [value])).toEqual([]);
    for (const event of harness.publisher.events) expect(event.detail.withheld?.classes).toContain('phi');
    expect(JSON.stringify(harness.publisher.events)).toContain('Synthetic Clinic');
  });
});
