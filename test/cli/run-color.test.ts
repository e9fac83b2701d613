/**
 * Colour on the console sink: on by default on a terminal, off on a pipe; NO_COLOR (https://no-color.org)
 * turns it off everywhere, FORCE_COLOR turns it on for a pipe; NO_COLOR wins when both are set.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour escapes are what is being detected.
const SGR = /\u001b\[[0-9;]*m/;
const BACKFILL = ['run', '--simulate', '--once', '--streams', 'businesses', '--start-from', 'beginning'];
const EVENT_LINE = /business\.snapshot/;

/** Runs the binary on a pseudo-terminal (util-linux `script`), returning what the terminal showed. */
function onTerminal(env: Readonly<Record<string, string>>): string {
  const bin = join(import.meta.dirname, '../../bin/cliniko-bridge.js');
  const command = [process.execPath, bin, ...BACKFILL].map((part) => `'${part}'`).join(' ');
  return execFileSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...env },
    timeout: 30_000,
  });
}

describe('colour of the console sink', () => {
  it('is on by default on a terminal', () => {
    const screen = onTerminal({});

    expect(screen).toMatch(EVENT_LINE);
    expect(screen).toMatch(SGR);
  });

  it('is off on a terminal with NO_COLOR set', () => {
    const screen = onTerminal({ NO_COLOR: '1' });

    expect(screen).toMatch(EVENT_LINE);
    expect(screen).not.toMatch(SGR);
  });

  it('is off on a pipe, and on with FORCE_COLOR', async () => {
    const plain = await runCli(BACKFILL);
    const forced = await runCli(BACKFILL, { FORCE_COLOR: '1' });

    expect(plain.stdout).toMatch(EVENT_LINE);
    expect(plain.stdout).not.toMatch(SGR);
    expect(forced.stdout).toMatch(SGR);
  });

  it('stays off when NO_COLOR and FORCE_COLOR are both set', async () => {
    const result = await runCli(BACKFILL, { FORCE_COLOR: '1', NO_COLOR: 'yes' });

    expect(result.stdout).toMatch(EVENT_LINE);
    expect(result.stdout).not.toMatch(SGR);
  });
});
