import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../cli/progress.js';
import type { ClinikoReader, ClinikoRecord, ListPage, ListQuery } from '../../shared/engine/ports.js';

function records(count: number, from = 0): ClinikoRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(1000 + from + i),
    first_name: 'Sentinel-Name',
  }));
}

/** Serves a keyset pass of `total` records, 100 per page, reporting what is left as `total_entries`. */
function fakeReader(total: number): ClinikoReader {
  let served = 0;
  return {
    async listPage(_path: string, _arrayKey: string, _query: ListQuery): Promise<ListPage> {
      const count = Math.min(100, total - served);
      const page = {
        records: records(count, served),
        totalEntries: total - served,
        nextUrl: undefined,
        serverTime: new Date(),
      };
      served += count;
      return page;
    },
  };
}

function capture() {
  const chunks: string[] = [];
  // Records synchronously, so the test sees exactly what was written before each publish.
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { out, text: () => chunks.join('') };
}

const PASS_QUERY: ListQuery = {
  filters: ['updated_at:>=2026-01-01T00:00:00Z'],
  sort: 'updated_at,id',
  perPage: 100,
  page: 1,
};

describe('Progress', () => {
  it('prints plain lines with records done of the total from the first page, then done', async () => {
    const { out, text } = capture();
    let clock = 0;
    const progress = new Progress({ out, live: false, plainIntervalMs: 1000, now: () => clock });
    const reader = progress.reader(fakeReader(250));

    for (let i = 0; i < 3; i += 1) {
      await reader.listPage('/patients', 'patients', PASS_QUERY);
      clock += 1500;
    }

    expect(text().split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^progress patients +100\/250 records {2}40%$/),
      expect.stringMatching(/^progress patients +200\/250 records {2}80%$/),
      expect.stringMatching(/^progress patients +250\/250 records {2}done$/),
    ]);
    expect(text()).not.toContain('Sentinel-Name');
  });

  it('pads stream names to the longest name in progress, not the longest of every stream', async () => {
    const { out, text } = capture();
    const progress = new Progress({ out, live: false });

    await progress.reader(fakeReader(250)).listPage('/patients', 'patients', PASS_QUERY);

    expect(text()).toBe('progress patients  100/250 records  40%\n');
  });

  it('stays silent for a pass that fits in one page', async () => {
    const { out, text } = capture();
    const progress = new Progress({ out, live: false });

    await progress.reader(fakeReader(40)).listPage('/patients', 'patients', PASS_QUERY);

    expect(text()).toBe('');
  });

  it('on a TTY clears its live line before events print and redraws it after', async () => {
    const { out, text } = capture();
    const progress = new Progress({ out, live: true, now: () => 0 });
    await progress.reader(fakeReader(300)).listPage('/invoices', 'invoices', PASS_QUERY);
    const printed: string[] = [];
    const publisher = progress.publisher({ publish: async () => void printed.push(text()) });

    await publisher.publish([{} as never]);

    const before = printed[0] ?? '';
    expect(before).toMatch(/invoices +100\/300 records {2}33%\n/);
    expect(before.endsWith('\u001b[1A\u001b[0J')).toBe(true);
    expect(text().slice(before.length)).toMatch(/^ {2}invoices +100\/300 records {2}33%\n$/);
  });
});
