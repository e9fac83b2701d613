import { describe, expect, it } from 'vitest';
import { formatJson } from '../../../shared/events/json-format.js';

describe('formatJson', () => {
  it('puts one key per line and short scalar arrays on one line', () => {
    expect(formatJson({ a: 1, list: ['x', 'y'], empty: {}, none: [] })).toBe(
      '{\n  "a": 1,\n  "list": ["x", "y"],\n  "empty": {},\n  "none": []\n}\n',
    );
  });

  it('breaks a scalar array that would pass 110 columns, one item per line', () => {
    const items = Array.from({ length: 12 }, (_, i) => `field_number_${i}`);

    const text = formatJson({ required: items });

    expect(text).toContain('"required": [\n    "field_number_0",\n');
    expect(JSON.parse(text)).toEqual({ required: items });
  });

  it('always expands arrays of objects', () => {
    expect(formatJson([{ a: 1 }])).toBe('[\n  {\n    "a": 1\n  }\n]\n');
  });
});
