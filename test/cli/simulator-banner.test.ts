/** The `run --simulate` banner names the simulator's quirks. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../cli/run-options.js';
import { simulatorBanner } from '../../cli/simulator-banner.js';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { QUIRKS, type RunningSimulator, startSimulator } from '../../simulator/index.js';

let sim: RunningSimulator | undefined;
let client: ClinikoClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  sim = undefined;
  client = undefined;
});

async function banner(args: string[]): Promise<string> {
  const options = parseRunOptions(['--simulate', ...args], {});
  const quirks = options.source.kind === 'simulate' ? options.source.quirks : [];
  sim = await startSimulator({ seed: 2, patients: 3, appointments: 3, quirks });
  client = new ClinikoClient({
    apiKey: sim.apiKeys[0] ?? '',
    userAgent: options.userAgent,
    baseUrl: sim.baseUrl,
  });
  return simulatorBanner({ simulator: sim, cliniko: client, options, churnPerMinute: 40 });
}

describe('simulator banner', () => {
  it('lists every quirk by default, each with what it does', async () => {
    const text = await banner([]);

    expect(text).toMatch(/Cliniko quirks on/);
    for (const quirk of QUIRKS) expect(text).toMatch(new RegExp(`^ +- ${quirk}: \\S`, 'm'));
  });

  it('says no quirk is on, and how to turn them on', async () => {
    const text = await banner(['--quirks', 'none']);

    expect(text).toMatch(/Cliniko quirks: none/);
    expect(text).toContain('--quirks all');
  });

  it('lists each quirk that is on with what it does', async () => {
    const text = await banner(['--quirks', 'lifecycle-keeps-updated-at,no-status-feeds']);

    expect(text).toMatch(/Cliniko quirks on /);
    expect(text).toMatch(/lifecycle-keeps-updated-at: archive, unarchive, cancel and delete/);
    expect(text).toMatch(/no-status-feeds: /);
    expect(text).not.toMatch(/subsecond-order/);
  });
});
