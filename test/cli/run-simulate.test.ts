import { afterEach, describe, expect, it } from 'vitest';
import { type CliRun, startCli, waitFor } from './cli-process.js';

describe('cliniko-bridge run --simulate (what npm start runs)', () => {
  let run: CliRun | undefined;
  afterEach(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('prints a banner with a curl command, then event lines on stdout, and stops with exit 0 on SIGINT', {
    timeout: 60_000,
  }, async () => {
    run = startCli(['run', '--simulate', '--interval', '2s']);
    const current = run;
    const eventLine =
      /^\d{2}:\d{2}:\d{2} {2}[a-z_]+\.(created|updated|archived|restored|cancelled|deleted) /m;

    await waitFor(() => eventLine.test(current.stdout()), 40_000, 'an event line on stdout');
    current.child.kill('SIGINT');
    const code = await current.exited;

    expect(current.stderr()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(current.stderr()).toMatch(/curl -X PATCH -u '[^']+:' -H 'User-Agent: [^']+' .*\/patients\/\d+/);
    expect(current.stderr()).toContain('Press Ctrl-C to stop');
    expect(code).toBe(0);
    expect(current.stderr()).toContain('Stopped:');
  });

  it('polls adaptively without --interval: each stream as it falls due, events within seconds', {
    timeout: 60_000,
  }, async () => {
    run = startCli(['run', '--simulate']);
    const current = run;
    const eventLine = /^\d{2}:\d{2}:\d{2} {2}[a-z_]+\.[a-z_]+ /m;

    await waitFor(() => eventLine.test(current.stdout()), 40_000, 'an event line on stdout');
    current.child.kill('SIGINT');
    const code = await current.exited;

    expect(current.stderr()).toContain('each stream as it falls due');
    expect(current.stderr()).not.toMatch(/: \d+ streams every /);
    expect(code).toBe(0);
  });
});
