import { describe, expect, it } from 'vitest';
import { errorForStatus } from '../../../shared/cliniko/status-errors.js';
import {
  ClinikoAuthError,
  ClinikoNotFoundError,
  ClinikoRequestError,
  type ClinikoValidationError,
} from '../../../shared/errors.js';

const target = { baseUrl: 'https://api.au2.cliniko.com/v1', shard: 'au2' };
const context = (status: number) => ({ method: 'GET', path: '/v1/patients', status });

describe('errorForStatus', () => {
  it('names the shard derived from the key on 401', () => {
    const error = errorForStatus(context(401), '', target);

    expect(error).toBeInstanceOf(ClinikoAuthError);
    expect(error.message).toContain('shard au2 (https://api.au2.cliniko.com/v1)');
    expect(error.message).toMatch(/"-au2"|suffix/);
  });

  it('accepts a 404 with an empty body', () => {
    expect(errorForStatus(context(404), '', target)).toBeInstanceOf(ClinikoNotFoundError);
  });

  it('keeps only plausible field names from a 422', () => {
    const body = JSON.stringify({ errors: { first_name: 'x', 'not a <field>': 'y', 'patient.email': 'z' } });

    const error = errorForStatus(context(422), body, target) as ClinikoValidationError;

    expect(error.fields).toEqual(['first_name', 'patient.email']);
  });

  it('repeats a known plain-text message', () => {
    const body = 'Invalid time frame definition. Please check from/to param limitations.';

    const error = errorForStatus(context(400), body, target);

    expect(error).toBeInstanceOf(ClinikoRequestError);
    expect(error.message).toContain(body);
  });

  it('treats a redirect as a request error instead of following it', () => {
    const error = errorForStatus(context(301), '', target);

    expect(error).toBeInstanceOf(ClinikoRequestError);
    expect(error.message).toMatch(/never follows/);
  });
});
