import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, linkId, q } from './sim-client.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, patients: 120, appointments: 150 });
});
afterAll(() => sim.close());

describe('pagination', () => {
  it('pages 50 records by default with absolute links that keep the query', async () => {
    const first = await api(sim, 'GET', `/patients?${q('last_name:?')}`);
    const patients = items(first, 'patients');
    const links = first.body.links as { self: string; next?: string; previous?: string };
    expect(patients).toHaveLength(50);
    expect(first.body.total_entries).toBeGreaterThan(100);
    expect(links.self.startsWith(`${sim.baseUrl}/patients?`)).toBe(true);
    expect(links.next).toContain('q%5B%5D=last_name%3A%3F');
    expect(links.next).toContain('page=2');
    expect(links.previous).toBeUndefined();
  });

  it('follows next links to the last page, which has a previous link and no next', async () => {
    let url: string | undefined = '/patients?per_page=40';
    const seen = new Set<string>();
    let last: Awaited<ReturnType<typeof api>> | undefined;
    while (url) {
      last = await api(sim, 'GET', url);
      for (const p of items(last, 'patients')) seen.add(String(p.id));
      const next: string | undefined = (last.body.links as { next?: string }).next;
      url = next?.slice(sim.baseUrl.length);
    }
    expect(seen.size).toBe(last?.body.total_entries);
    expect((last?.body.links as { previous?: string } | undefined)?.previous).toContain('page=');
  });

  it('caps per_page at 100 and rejects per_page 0 with 400', async () => {
    const big = await api(sim, 'GET', '/patients?per_page=500');
    const zero = await api(sim, 'GET', '/patients?per_page=0');
    expect(items(big, 'patients')).toHaveLength(100);
    expect(zero.status).toBe(400);
  });

  it('returns an empty page past the end, with the real total', async () => {
    const reply = await api(sim, 'GET', '/patients?page=99');
    expect(items(reply, 'patients')).toHaveLength(0);
    expect(reply.body.total_entries).toBeGreaterThan(0);
  });
});

describe('filters and sorting', () => {
  it('combines several q[] filters with AND', async () => {
    const all = items(
      await api(sim, 'GET', '/individual_appointments?per_page=100'),
      'individual_appointments',
    );
    const patientId = linkId(all[0]?.patient) ?? '';
    const startsAt = String(all[0]?.starts_at);
    const reply = await api(
      sim,
      'GET',
      `/individual_appointments?${q(`patient_id:=${patientId}`, `starts_at:>=${startsAt}`)}&per_page=100`,
    );
    const found = items(reply, 'individual_appointments');
    expect(found.length).toBeGreaterThan(0);
    for (const appointment of found) {
      expect(linkId(appointment.patient)).toBe(patientId);
      expect(String(appointment.starts_at) >= startsAt).toBe(true);
    }
  });

  it('answers 400 "This column is not searchable." for a field the resource does not filter on', async () => {
    const reply = await api(sim, 'GET', `/patients?${q('city:=Melbourne')}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ message: 'This column is not searchable.' });
  });

  it('sorts by updated_at descending when asked', async () => {
    const reply = await api(sim, 'GET', '/patients?sort=updated_at:desc&per_page=100');
    const stamps = items(reply, 'patients').map((p) => String(p.updated_at));
    expect(stamps).toEqual([...stamps].sort().reverse());
  });

  it('lists by created_at ascending by default', async () => {
    const stamps = items(await api(sim, 'GET', '/contacts?per_page=100'), 'contacts').map((c) =>
      String(c.created_at),
    );
    expect(stamps).toEqual([...stamps].sort());
  });
});

describe('hidden records and status feeds', () => {
  it('hides archived patients unless the query filters on archived_at', async () => {
    const shown = await api(sim, 'GET', '/patients?per_page=100&page=1');
    const all = await api(sim, 'GET', `/patients?${q('archived_at:*')}&per_page=100`);
    const archived = await api(sim, 'GET', '/patients/archived?per_page=100');
    const archivedCount = items(archived, 'patients').length;
    expect(archivedCount).toBeGreaterThan(0);
    expect(all.body.total_entries).toBe(Number(shown.body.total_entries) + archivedCount);
    expect(items(archived, 'patients').every((p) => p.archived_at !== null)).toBe(true);
  });

  it('hides cancelled appointments unless the query filters on cancelled_at', async () => {
    const shown = await api(sim, 'GET', '/individual_appointments');
    const everything = await api(
      sim,
      'GET',
      `/individual_appointments?${q('cancelled_at:*', 'archived_at:*')}`,
    );
    const cancelled = await api(sim, 'GET', '/individual_appointments/cancelled?per_page=100');
    const cancelledItems = items(cancelled, 'individual_appointments');
    expect(cancelledItems.length).toBeGreaterThan(0);
    expect(cancelledItems.every((a) => typeof a.cancelled_at === 'string')).toBe(true);
    expect(Number(everything.body.total_entries)).toBeGreaterThanOrEqual(
      Number(shown.body.total_entries) + cancelledItems.length,
    );
  });

  it('answers 404 for a cancelled appointment by id unless cancelled_at:* is given', async () => {
    const cancelled = items(
      await api(sim, 'GET', '/individual_appointments/cancelled'),
      'individual_appointments',
    );
    const id = String(cancelled[0]?.id);
    expect((await api(sim, 'GET', `/individual_appointments/${id}`)).status).toBe(404);
    expect((await api(sim, 'GET', `/individual_appointments/${id}?${q('cancelled_at:*')}`)).status).toBe(200);
  });

  it('accepts only deleted_at and id filters on a /deleted feed', async () => {
    const byDeletedAt = await api(sim, 'GET', `/patients/deleted?${q('deleted_at:>=2020-01-01T00:00:00Z')}`);
    const byUpdatedAt = await api(sim, 'GET', `/patients/deleted?${q('updated_at:>=2020-01-01T00:00:00Z')}`);
    expect(byDeletedAt.status).toBe(200);
    expect(byUpdatedAt.status).toBe(400);
    expect(byUpdatedAt.body).toEqual({ message: 'This column is not searchable.' });
  });

  it('has no /deleted feed where Cliniko documents none', async () => {
    expect((await api(sim, 'GET', '/contacts/deleted')).status).toBe(404);
    expect((await api(sim, 'GET', '/practitioners/archived')).status).toBe(404);
  });
});
