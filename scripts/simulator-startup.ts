/**
 * Measures how long `startSimulator` takes to seed its accounts and start listening, at a few
 * sizes: the median and the fastest of five starts in one process, after one start to warm it up.
 *
 *   npx tsx scripts/simulator-startup.ts                 # default sizes, then 20k patients
 *   npx tsx scripts/simulator-startup.ts 20000 40000     # patients and appointments
 */
import { startSimulator } from '../simulator/index.js';

const RUNS = 5;

/** The median and the fastest of the starts (on a busy machine the fastest is the steadier figure). */
async function measure(
  patients: number | undefined,
  appointments: number | undefined,
): Promise<{ median: number; fastest: number }> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const sim = await startSimulator({ seed: 1, patients, appointments });
    times.push(performance.now() - started);
    await sim.close();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)] ?? Number.NaN, fastest: times[0] ?? Number.NaN };
}

const [patientsArg, appointmentsArg] = process.argv.slice(2).map(Number);
const sizes: [number | undefined, number | undefined][] =
  patientsArg === undefined
    ? [
        [undefined, undefined],
        [20_000, undefined],
      ]
    : [[patientsArg, appointmentsArg]];
// Warm the JIT so the first size is not charged for compiling the simulator.
await measure(undefined, undefined);
for (const [patients, appointments] of sizes) {
  const { median, fastest } = await measure(patients, appointments);
  const label = `patients=${patients ?? 'default'} appointments=${appointments ?? 'default'}`;
  process.stdout.write(
    `${label}: median ${median.toFixed(0)} ms, fastest ${fastest.toFixed(0)} ms of ${RUNS} starts\n`,
  );
}
