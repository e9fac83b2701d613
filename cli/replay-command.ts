/**
 * `cliniko-bridge replay`: replays a deployed bus's archive for a time window back onto the bus
 * (EventBridge StartReplay), prints the replay's name and state, and with `--wait` follows it
 * (DescribeReplay every poll interval, progress on stderr) until it completes, fails or is cancelled.
 * The result goes to stdout (text, or one JSON document with `--json`); progress never does.
 */

import { sleep as timerSleep } from '../shared/backoff.js';
import { ConfigError } from '../shared/errors.js';
import { formatDuration } from './duration.js';
import { wantsHelp } from './flags.js';
import { printResult } from './json-output.js';
import type { Command, CommandIo } from './main.js';
import { EventBridgeReplayApi, FINAL_STATES, type ReplayApi, type ReplayStatus } from './replay-api.js';
import { parseReplayOptions, REPLAY_USAGE, type ReplayOptions } from './replay-options.js';

export interface ReplayDeps {
  readonly api: () => ReplayApi;
  /** @default Date.now */
  readonly now?: () => number;
  /** Resolves after `ms`, or earlier when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The `--json` document (and what the text output says). */
export interface ReplayResult {
  readonly name: string;
  readonly arn: string;
  readonly state: string;
  readonly stateReason?: string;
  readonly archiveArn: string;
  readonly busArn: string;
  readonly since: string;
  readonly until: string;
  readonly replayStartTime?: string;
  readonly replayEndTime?: string;
  readonly eventLastReplayedTime?: string;
  /** Whether the command waited for a final state (`--wait`, not interrupted). */
  readonly waited: boolean;
}

export function makeReplayCommand(deps: ReplayDeps): Command {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? timerSleep;
  return async (args, io) => {
    if (wantsHelp(args)) {
      io.stdout.write(REPLAY_USAGE);
      return 0;
    }
    const options = parseReplayOptions(args, now());
    // Node 20 is supported by this project; the SDK's notice about future versions is noise here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const api = deps.api();
    try {
      return await replay(api, options, io, now, sleep);
    } finally {
      api.close();
    }
  };
}

async function replay(
  api: ReplayApi,
  options: ReplayOptions,
  io: CommandIo,
  now: () => number,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
): Promise<number> {
  const busArn = await api.busArn(options.bus);
  const archive = await api.archive(options.archiveName);
  if (archive.sourceArn !== busArn) {
    throw new ConfigError(
      '--archive',
      `"${options.archiveName}" archives another bus (${archive.sourceArn}), and EventBridge replays an archive only onto its own bus; ` +
        'pass that bus with --bus, or the archive of this bus',
    );
  }
  const started = await api.startReplay({
    name: options.name,
    archiveArn: archive.arn,
    busArn,
    since: options.since,
    until: options.until,
  });
  const base = {
    name: options.name,
    archiveArn: archive.arn,
    busArn,
    since: options.since.toISOString(),
    until: options.until.toISOString(),
  };
  if (!options.wait) {
    const result: ReplayResult = { ...base, arn: started.arn, state: started.state, waited: false };
    printResult(io.stdout, options.json, result, (r) => startedText(r));
    return 0;
  }
  io.stderr.write(`Replay ${options.name} started (${started.state}); waiting for it to finish…\n`);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const startedAt = now();
  let last = '';
  let status: ReplayStatus = { arn: started.arn, state: started.state };
  try {
    for (;;) {
      status = await api.describeReplay(options.name);
      const line = progressLine(status, options);
      if (line !== last) io.stderr.write(`${line}\n`);
      last = line;
      if (FINAL_STATES.has(status.state) || stop.signal.aborted) break;
      await sleep(options.pollIntervalMs, stop.signal);
      if (stop.signal.aborted) break;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const result: ReplayResult = { ...base, ...statusFields(status), waited: FINAL_STATES.has(status.state) };
  if (!result.waited) {
    io.stderr.write(
      `Stopped waiting; replay ${options.name} goes on in EventBridge (cancel it with: aws events cancel-replay --replay-name ${options.name}).\n`,
    );
  }
  printResult(io.stdout, options.json, result, (r) => finishedText(r, now() - startedAt));
  if (!result.waited) return 130;
  return status.state === 'COMPLETED' ? 0 : 1;
}

function statusFields(status: ReplayStatus) {
  return {
    arn: status.arn,
    state: status.state,
    ...(status.stateReason === undefined ? {} : { stateReason: status.stateReason }),
    ...(status.replayStartTime === undefined
      ? {}
      : { replayStartTime: status.replayStartTime.toISOString() }),
    ...(status.replayEndTime === undefined ? {} : { replayEndTime: status.replayEndTime.toISOString() }),
    ...(status.eventLastReplayedTime === undefined
      ? {}
      : { eventLastReplayedTime: status.eventLastReplayedTime.toISOString() }),
  };
}

/** e.g. `RUNNING: replayed events up to 2026-01-31T03:00:00.000Z (50% of the window)`. */
function progressLine(status: ReplayStatus, options: ReplayOptions): string {
  const last = status.eventLastReplayedTime;
  if (last === undefined) return `${status.state}`;
  const span = options.until.getTime() - options.since.getTime();
  const done = Math.min(
    100,
    Math.max(0, Math.floor(((last.getTime() - options.since.getTime()) / span) * 100)),
  );
  return `${status.state}: replayed events up to ${last.toISOString()} (${done}% of the window)`;
}

function startedText(result: ReplayResult): string {
  return [
    `Replay ${result.name}: ${result.state}`,
    `  archive ${result.archiveArn} → bus ${result.busArn}`,
    `  events from ${result.since} to ${result.until}`,
    `  follow it with: cliniko-bridge replay … --wait, or aws events describe-replay --replay-name ${result.name}`,
    '',
  ].join('\n');
}

function finishedText(result: ReplayResult, waitedMs: number): string {
  const reason = result.stateReason === undefined ? '' : `: ${result.stateReason}`;
  return [
    `Replay ${result.name}: ${result.state}${reason}${result.waited ? ` (after ${formatDuration(Math.round(waitedMs / 1000) * 1000)})` : ''}`,
    `  archive ${result.archiveArn} → bus ${result.busArn}`,
    `  events from ${result.since} to ${result.until}`,
    '',
  ].join('\n');
}

export const replayCommand: Command = makeReplayCommand({ api: () => new EventBridgeReplayApi() });
