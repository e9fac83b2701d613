/**
 * A separate process holding what the measured bridge talks to: the Cliniko simulator and,
 * optionally, a dynalite DynamoDB. Keeping them out of the bridge's process means the bridge's RSS
 * and CPU are its own. Prints one JSON line when ready, then serves until SIGTERM or stdin closes.
 *
 *   tsx bench/services-process.ts --patients 10000 --appointments 0 --rate-limit 200 [--dynalite]
 *   tsx bench/services-process.ts --patients 100 --fixture-patients 100000   (fast /patients fixture)
 *   tsx bench/services-process.ts --accounts 500 --patients 20 --appointments 40 --churn 250 --dynalite
 */
import { parseArgs } from 'node:util';
import { startDynalite } from '../shared/state/dynalite-server.js';
import { startSimulator } from '../simulator/index.js';
import { BENCH_USER_AGENT } from './bridge-wiring.js';
import { type PatientsFixture, startPatientsFixture } from './patients-fixture.js';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '100' },
    appointments: { type: 'string', default: '200' },
    'rate-limit': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    /** Isolated simulator accounts, each with its own key, data and rate limit. */
    accounts: { type: 'string', default: '1' },
    /** Background changes per minute across all accounts (0: none). */
    churn: { type: 'string', default: '0' },
    dynalite: { type: 'boolean', default: false },
    'fixture-patients': { type: 'string' },
  },
});

const seedStarted = Date.now();
const sim = await startSimulator({
  seed: Number(values.seed),
  patients: Number(values.patients),
  appointments: Number(values.appointments),
  rateLimitPerMinute: Number(values['rate-limit']),
  accounts: Number(values.accounts),
  churnPerMinute: Number(values.churn),
});
const seedMs = Date.now() - seedStarted;
const dynamo = values.dynalite ? await startDynalite() : undefined;
let fixture: PatientsFixture | undefined;
if (values['fixture-patients'] !== undefined) {
  const response = await fetch(`${sim.baseUrl}/patients?per_page=100`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.apiKeys[0] ?? ''}:`).toString('base64')}`,
      accept: 'application/json',
      'user-agent': BENCH_USER_AGENT,
    },
  });
  const { patients } = (await response.json()) as { patients: Record<string, unknown>[] };
  fixture = await startPatientsFixture(patients, Number(values['fixture-patients']));
}

process.stdout.write(
  `${JSON.stringify({
    baseUrl: fixture?.baseUrl ?? sim.baseUrl,
    origin: sim.origin,
    apiKey: sim.apiKeys[0],
    accounts: sim.accounts,
    dynamoEndpoint: dynamo?.endpoint ?? null,
    seedMs,
  })}\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sim.close();
  await fixture?.close();
  await dynamo?.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent's death closes our stdin: never outlive it.
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
