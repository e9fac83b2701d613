import { describe, expect, it } from 'vitest';
import { colorWanted } from '../../cli/color-choice.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colorWanted', () => {
  it('follows the stream when nothing is set', () => {
    expect(colorWanted(tty, {})).toBe(true);
    expect(colorWanted(pipe, {})).toBe(false);
  });

  it('is off with NO_COLOR of any non-empty value, and ignores an empty one', () => {
    expect(colorWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted(tty, { NO_COLOR: 'false' })).toBe(false);
    expect(colorWanted(tty, { NO_COLOR: '' })).toBe(true);
  });

  it('is on with FORCE_COLOR, off with FORCE_COLOR=0 or false, and NO_COLOR wins over it', () => {
    expect(colorWanted(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorWanted(pipe, { FORCE_COLOR: '' })).toBe(false);
    expect(colorWanted(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorWanted(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorWanted(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });

  it('is off on a dumb terminal unless forced', () => {
    expect(colorWanted(tty, { TERM: 'dumb' })).toBe(false);
    expect(colorWanted(tty, { TERM: 'dumb', FORCE_COLOR: '1' })).toBe(true);
  });
});
