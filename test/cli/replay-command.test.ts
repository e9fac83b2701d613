/**
 * The logic of `cliniko-bridge replay` with an injected `ReplayApi` (moto completes a replay inside
 * StartReplay and reports no progress, so states in between and failures are exercised here; the
 * real protocol is tested against moto in test/aws/replay.aws.test.ts).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../cli/main.js';
import type { ArchiveInfo, ReplayApi, ReplayStatus, StartReplayInput } from '../../cli/replay-api.js';
import { makeReplayCommand } from '../../cli/replay-command.js';
import { ConfigError } from '../../shared/errors.js';

const NOW = Date.parse('2026-02-01T00:00:00Z');
const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/cliniko-events';
const ARCHIVE_ARN = 'arn:aws:events:us-east-1:123456789012:archive/cliniko-archive';
const WINDOW = ['--since', '2026-01-31T00:00:00Z', '--until', '2026-01-31T04:00:00Z'];
const ARGS = ['--bus', 'cliniko-events', '--archive', 'cliniko-archive', ...WINDOW];

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

class FakeReplayApi implements ReplayApi {
  readonly started: StartReplayInput[] = [];
  closed = false;
  constructor(
    private readonly statuses: ReplayStatus[],
    private readonly archiveInfo: ArchiveInfo = { arn: ARCHIVE_ARN, sourceArn: BUS_ARN },
  ) {}
  async busArn(nameOrArn: string): Promise<string> {
    if (nameOrArn !== 'cliniko-events' && nameOrArn !== BUS_ARN)
      throw new ConfigError('--bus', 'no event bus');
    return BUS_ARN;
  }
  async archive(): Promise<ArchiveInfo> {
    return this.archiveInfo;
  }
  async startReplay(input: StartReplayInput) {
    this.started.push(input);
    return { arn: `arn:aws:events:us-east-1:123456789012:replay/${input.name}`, state: 'STARTING' };
  }
  async describeReplay(): Promise<ReplayStatus> {
    const next = this.statuses.length > 1 ? this.statuses.shift() : this.statuses[0];
    if (next === undefined) throw new Error('no status planned');
    return next;
  }
  close(): void {
    this.closed = true;
  }
}

async function runReplay(api: FakeReplayApi, args: readonly string[]) {
  const out = capture();
  const err = capture();
  const io: CommandIo = { stdout: out.stream, stderr: err.stream, env: {} };
  const sleeps: number[] = [];
  const command = makeReplayCommand({
    api: () => api,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const code = await command([...args], io);
  return { code, stdout: out.text(), stderr: err.text(), sleeps };
}

const status = (state: string, extra: Partial<ReplayStatus> = {}): ReplayStatus => ({
  arn: 'arn:aws:events:us-east-1:123456789012:replay/r1',
  state,
  ...extra,
});

describe('cliniko-bridge replay (logic)', () => {
  it('starts a replay of the window from the archive onto its bus and prints the name and state', async () => {
    const api = new FakeReplayApi([]);

    const result = await runReplay(api, [...ARGS, '--name', 'r1']);

    expect(result.code).toBe(0);
    expect(api.started).toEqual([
      {
        name: 'r1',
        archiveArn: ARCHIVE_ARN,
        busArn: BUS_ARN,
        since: new Date('2026-01-31T00:00:00Z'),
        until: new Date('2026-01-31T04:00:00Z'),
      },
    ]);
    expect(result.stdout).toMatch(/^Replay r1: STARTING$/m);
    expect(api.closed).toBe(true);
  });

  it('names the replay after the start time by default', async () => {
    const api = new FakeReplayApi([]);

    await runReplay(api, ARGS);

    expect(api.started[0]?.name).toBe('cliniko-replay-20260201T000000Z');
  });

  it('--wait polls until COMPLETED, showing progress through the window on stderr; exit 0', async () => {
    const api = new FakeReplayApi([
      status('STARTING'),
      status('RUNNING', { eventLastReplayedTime: new Date('2026-01-31T01:00:00Z') }),
      status('RUNNING', { eventLastReplayedTime: new Date('2026-01-31T03:00:00Z') }),
      status('COMPLETED', {
        eventLastReplayedTime: new Date('2026-01-31T03:59:00Z'),
        replayEndTime: new Date('2026-02-01T00:00:09Z'),
      }),
    ]);

    const result = await runReplay(api, [...ARGS, '--name', 'r1', '--wait', '--poll-interval', '2s']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'RUNNING: replayed events up to 2026-01-31T01:00:00.000Z (25% of the window)',
    );
    expect(result.stderr).toContain(
      'RUNNING: replayed events up to 2026-01-31T03:00:00.000Z (75% of the window)',
    );
    expect(result.stdout).toMatch(/^Replay r1: COMPLETED/m);
    expect(result.sleeps).toEqual([2000, 2000, 2000]);
  });

  it('--wait --json prints one JSON document with the final state; progress stays on stderr', async () => {
    const api = new FakeReplayApi([status('RUNNING'), status('COMPLETED')]);

    const result = await runReplay(api, [...ARGS, '--name', 'r1', '--wait', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      name: 'r1',
      state: 'COMPLETED',
      waited: true,
      busArn: BUS_ARN,
      archiveArn: ARCHIVE_ARN,
      since: '2026-01-31T00:00:00.000Z',
      until: '2026-01-31T04:00:00.000Z',
    });
    expect(result.stderr).toContain('RUNNING');
  });

  it.each([
    ['FAILED', 'Events could not be replayed'],
    ['CANCELLED', undefined],
  ])('--wait exits 1 when the replay ends %s, with the reason', async (state, reason) => {
    const api = new FakeReplayApi([
      status('RUNNING'),
      status(state, reason === undefined ? {} : { stateReason: reason }),
    ]);

    const result = await runReplay(api, [...ARGS, '--name', 'r1', '--wait']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Replay r1: ${state}${reason === undefined ? '' : `: ${reason}`}`);
  });

  it('refuses an archive of another bus before starting anything (exit 2, naming --archive)', async () => {
    const api = new FakeReplayApi([], {
      arn: ARCHIVE_ARN,
      sourceArn: 'arn:aws:events:us-east-1:123456789012:event-bus/other',
    });

    const error = await runReplay(api, ARGS).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^--archive: "cliniko-archive" archives another bus/);
    expect(api.started).toEqual([]);
    expect(api.closed).toBe(true);
  });

  it.each([
    [['--archive', 'a', ...WINDOW], /^--bus: is required/],
    [['--bus', 'b', ...WINDOW], /^--archive: is required/],
    [['--bus', 'b', '--archive', 'a', '--until', '2026-01-31T04:00:00Z'], /^--since: is required/],
    [
      ['--bus', 'b', '--archive', 'a', '--since', '2026-01-31', '--until', '2026-01-31T04:00:00Z'],
      /^--since: expected a UTC instant/,
    ],
    [
      [
        '--bus',
        'b',
        '--archive',
        'a',
        '--since',
        '2026-01-31T00:00:00+01:00',
        '--until',
        '2026-01-31T04:00:00Z',
      ],
      /^--since: expected a UTC instant/,
    ],
    [
      ['--bus', 'b', '--archive', 'a', '--since', '2026-02-30T00:00:00Z', '--until', '2026-01-31T04:00:00Z'],
      /^--since: expected a UTC instant/,
    ],
    [
      ['--bus', 'b', '--archive', 'a', '--since', '2026-01-31T04:00:00Z', '--until', '2026-01-31T04:00:00Z'],
      /^--since: must be before --until/,
    ],
    [
      ['--bus', 'b', '--archive', 'a', '--since', '2026-01-31T00:00:00Z', '--until', '2026-02-01T00:00:01Z'],
      /^--until: is in the future/,
    ],
    [[...ARGS, '--name', 'has space'], /^--name: must be 1-64/],
    [
      ['--bus', 'b', '--archive', 'arn:aws:events:us-east-1:123:archive/x', ...WINDOW],
      /^--archive: expected an archive name/,
    ],
  ])('refuses bad arguments with a ConfigError naming the flag (%j)', async (args, message) => {
    const api = new FakeReplayApi([]);

    const error = await runReplay(api, args).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect(api.started).toEqual([]);
  });

  it('takes an archive ARN and a bus ARN', async () => {
    const api = new FakeReplayApi([]);

    const result = await runReplay(api, ['--bus', BUS_ARN, '--archive', ARCHIVE_ARN, ...WINDOW]);

    expect(result.code).toBe(0);
    expect(api.started[0]?.archiveArn).toBe(ARCHIVE_ARN);
  });
});
