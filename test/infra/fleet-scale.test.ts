/**
 * The deployment's size does not depend on the number of accounts: the configuration travels as an
 * S3 asset and the registry lists the accounts, so 1, 50 or 500 configured clinics give the same
 * template (only the configuration object's content hash differs) and no environment variable
 * carries account data.
 */
import { describe, expect, it } from 'vitest';
import { exampleConfig, synthBridge } from './bridge-fixture.js';

const accounts = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `synthetic-clinic-${String(i).padStart(3, '0')}`,
    apiKeySecret: `cliniko/synthetic-clinic-${String(i).padStart(3, '0')}`,
    streams: ['core'],
  }));

const templates = [1, 50, 500].map((count) => ({
  count,
  json: synthBridge(exampleConfig({ accounts: accounts(count) })).template.toJSON() as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  },
}));

/** The template with asset content hashes (64 hex digits) blanked. */
const withoutHashes = (json: unknown) => JSON.stringify(json).replace(/[0-9a-f]{64}/g, '<hash>');

describe('a fleet of any size deploys the same stack', () => {
  it('has the same resources, of the same types, for 1, 50 and 500 accounts', () => {
    const [one, ...others] = templates.map(({ json }) =>
      Object.entries(json.Resources)
        .map(([id, r]) => `${id} ${r.Type}`)
        .sort(),
    );
    expect(one?.length).toBeGreaterThan(50);
    // CloudFormation's 500-resource limit is far away, and stays there.
    expect(one?.length).toBeLessThan(250);
    for (const other of others) expect(other).toEqual(one);
  });

  it('has the same template, byte for byte apart from the configuration object hash', () => {
    const [one, ...others] = templates.map(({ json }) => withoutHashes(json));
    for (const other of others) expect(other).toBe(one);
    const sizes = templates.map(({ json }) => JSON.stringify(json).length);
    expect(new Set(sizes).size).toBe(1);
  });

  it('puts no account in the template and no environment variable over 1 KB', () => {
    for (const { count, json } of templates) {
      expect([count, JSON.stringify(json).includes('synthetic-clinic-000')]).toEqual([count, false]);
      const functions = Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(2);
      for (const [id, fn] of functions) {
        const variables =
          (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
          {};
        for (const [name, value] of Object.entries(variables)) {
          const bytes = Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
          expect([count, id, name, bytes <= 1024]).toEqual([count, id, name, true]);
        }
      }
    }
  });
});
