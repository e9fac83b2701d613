/**
 * The start-up banner of `run --simulate`: where the simulator listens, which Cliniko quirks it
 * simulates, one curl command to make a change by hand, and how to stop. The key shown is the
 * simulator's own (synthetic data only).
 */
import type { ClinikoClient } from '../shared/cliniko/client.js';
import { QUIRK_SUMMARIES, type RunningSimulator } from '../simulator/index.js';
import { formatDuration } from './duration.js';
import type { RunOptions } from './run-options.js';

export interface BannerInput {
  readonly simulator: RunningSimulator;
  readonly cliniko: ClinikoClient;
  readonly options: RunOptions;
  readonly churnPerMinute: number;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export async function simulatorBanner({
  simulator,
  cliniko,
  options,
  churnPerMinute,
}: BannerInput): Promise<string> {
  const key = simulator.apiKeys[0] ?? '';
  // One real request for an id to put in the example, so the command works as printed.
  const page = await cliniko.listPage('/patients', 'patients', { perPage: 1, sort: 'id', page: 1 });
  const patientId = page.records[0]?.id ?? 'PATIENT_ID';
  const curl = [
    'curl -X PATCH',
    `-u ${quote(`${key}:`)}`,
    `-H ${quote(`User-Agent: ${options.userAgent}`)}`,
    `-H 'Accept: application/json' -H 'Content-Type: application/json'`,
    `-d '{"notes":"Changed by hand"}'`,
    `${simulator.baseUrl}/patients/${patientId}`,
  ].join(' ');
  return [
    '',
    `Cliniko simulator (synthetic data) listening on ${simulator.baseUrl}`,
    `  ${churnPerMinute} background changes per minute; polling every ${formatDuration(options.intervalMs)}.`,
    `  Control routes: ${simulator.origin}/__sim/ (e.g. GET ${simulator.origin}/__sim/changelog)`,
    ...quirkLines(simulator),
    '',
    'Make a change yourself:',
    `  ${curl}`,
    '',
    'Events print below as they are seen. Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

function quirkLines(simulator: RunningSimulator): string[] {
  const enabled = simulator.quirks.enabled();
  if (enabled.length === 0) {
    return [
      '  Cliniko quirks: none (the kind reading of the API; --quirks all simulates every documented quirk).',
    ];
  }
  return [
    '  Cliniko quirks on (documented readings of the real API; --quirks none for the kind reading):',
    ...enabled.map((quirk) => `    - ${quirk}: ${QUIRK_SUMMARIES[quirk]}`),
  ];
}
