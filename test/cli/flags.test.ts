import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../cli/flags.js';
import { ConfigError } from '../../shared/errors.js';

const OPTIONS = { 'api-key': { type: 'string' }, once: { type: 'boolean' } } as const;

function rejection(args: readonly string[]): ConfigError {
  try {
    parseFlags(args, 'run', OPTIONS);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the arguments were accepted');
}

describe('parseFlags', () => {
  it('returns the values of known flags', () => {
    expect(parseFlags(['--api-key', 'k', '--once'], 'run', OPTIONS)).toEqual({ 'api-key': 'k', once: true });
  });

  it('counts a stray positional argument without repeating it', () => {
    const error = rejection(['--once', 'MS0xc2VudGluZWwta2V5LWJvZHk-au2']);

    expect(error.message).toMatch(
      /^arguments: unexpected positional argument \(1\): every value needs its flag/,
    );
    expect(error.message).not.toContain('MS0x');
  });

  it('counts arguments after -- as positional too', () => {
    expect(rejection(['--', 'one', 'two', 'three']).message).toContain('unexpected positional arguments (3)');
  });

  it('names a mistyped flag', () => {
    expect(rejection(['--onse']).message).toMatch(
      /^arguments: Unknown option '--onse'\. Run `cliniko-bridge run --help`/,
    );
  });

  it('does not repeat an unknown "option" that is a key with dashes glued to it', () => {
    const error = rejection(['--MS0xc2VudGluZWwta2V5LWJvZHktd2l0aC1kYXNoZXM-au2']);

    expect(error.message).toContain('Unknown option (not repeated here');
    expect(error.message).not.toContain('MS0x');
  });
});
