import { describe, expect, it } from 'vitest';
import { streamNamesForHelp } from '../../cli/stream-list.js';
import { STREAM_NAMES } from '../../shared/streams.js';

describe('streamNamesForHelp', () => {
  it('wraps all 32 stream names into help lines of at most 110 columns, in registry order', () => {
    const text = streamNamesForHelp();
    const lines = text.split('\n');
    const firstLine = `${' '.repeat(27)}${lines[0]}`;

    expect(lines.length).toBeGreaterThan(1);
    for (const line of [firstLine, ...lines.slice(1)]) expect(line.length).toBeLessThanOrEqual(110);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {27}\S/);
    expect(text.replace(/\s+/g, ' ').split(', ')).toEqual([...STREAM_NAMES]);
  });

  it('keeps a short list on one line', () => {
    expect(streamNamesForHelp(['patients', 'contacts'])).toBe('patients, contacts');
  });
});
