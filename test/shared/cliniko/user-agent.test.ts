import { describe, expect, it } from 'vitest';
import { validateUserAgent } from '../../../shared/cliniko/user-agent.js';
import { ConfigError } from '../../../shared/errors.js';

describe('validateUserAgent', () => {
  it.each([
    'Acme Sync (dev@acme.example)',
    'Really helpful app (devs@helpfulapp.com)',
    'Bridge/1.2 for Clinic (ops+cliniko@clinic.co.uk)',
  ])('accepts %s', (userAgent) => {
    expect(validateUserAgent(userAgent)).toBe(userAgent);
  });

  it('trims surrounding whitespace', () => {
    expect(validateUserAgent('  Acme Sync (dev@acme.example) ')).toBe('Acme Sync (dev@acme.example)');
  });

  it.each([
    undefined,
    '',
    'Acme Sync',
    'dev@acme.example',
    '(dev@acme.example)',
    'Acme Sync (not an email)',
    'Acme Sync (dev@localhost)',
    'Acme Sync dev@acme.example',
    'Acme Sync (dev@acme.example) trailing',
  ])('rejects %s with a ConfigError that shows the expected form', (userAgent) => {
    const attempt = () => validateUserAgent(userAgent);

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/"Acme Sync \(dev@acme\.example\)".*--user-agent.*CLINIKO_USER_AGENT/);
  });

  it('names the userAgent field', () => {
    let caught: unknown;
    try {
      validateUserAgent('nope');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe('userAgent');
  });
});
