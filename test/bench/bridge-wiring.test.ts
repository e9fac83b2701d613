import { describe, expect, it } from 'vitest';
import { syncOrThrow } from '../../bench/bridge-wiring.js';
import { ClinikoForbiddenError } from '../../shared/errors.js';
import { Harness, syncOptions } from '../shared/engine/sync-harness.js';
import { failBefore } from '../support/fault-plan.js';

describe('syncOrThrow', () => {
  const run = (h: Harness) => syncOrThrow(h.deps, syncOptions());

  it('returns the report of a clean run', async () => {
    const h = new Harness();

    await expect(run(h)).resolves.toMatchObject({ ok: true });
  });

  it('refuses a run in which a stream failed, naming the error, where the engine would go on', async () => {
    const h = new Harness();
    const forbidden = () =>
      failBefore(new ClinikoForbiddenError({ method: 'GET', path: '/x', status: 403 }, 'Forbidden'));
    h.readerFaults.next('listPage', forbidden());

    await expect(h.poll()).resolves.toMatchObject({ ok: false });
    h.readerFaults.next('listPage', forbidden());
    await expect(run(h)).rejects.toThrow('did not run cleanly (1 streams failed: ClinikoForbiddenError)');
  });
});
