import { describe, expect, it } from 'vitest';
import { pageLinks, parsePaging, QueryError } from '../../../simulator/query/index.js';

describe('parsePaging', () => {
  it('defaults to page 1 of 50', () => {
    expect(parsePaging(new URLSearchParams())).toEqual({ page: 1, perPage: 50 });
  });

  it('reads page and per_page', () => {
    expect(parsePaging(new URLSearchParams('page=3&per_page=100'))).toEqual({ page: 3, perPage: 100 });
  });

  it('caps per_page at 100, however large', () => {
    expect(parsePaging(new URLSearchParams('per_page=101')).perPage).toBe(100);
    expect(parsePaging(new URLSearchParams('per_page=99999999999999999999999')).perPage).toBe(100);
  });

  it.each(['page=0', 'page=-1', 'page=1.5', 'page=', 'page=two', 'page=99999999999999999999'])(
    'rejects %s with a 400',
    (query) => {
      expect(() => parsePaging(new URLSearchParams(query))).toThrow(QueryError);
      expect(() => parsePaging(new URLSearchParams(query))).toThrow(/^page must be/);
    },
  );

  it.each(['per_page=0', 'per_page=-5', 'per_page=2.5', 'per_page=', 'per_page=lots'])(
    'rejects %s with a 400',
    (query) => {
      expect(() => parsePaging(new URLSearchParams(query))).toThrow(/^per_page must be/);
    },
  );
});

describe('pageLinks', () => {
  const url = new URL(
    'http://127.0.0.1:4010/v1/patients?q[]=updated_at:>=2026-01-01T00:00:00Z&per_page=2&q[]=first_name:~~J%25n&page=2&sort=updated_at,id',
  );

  it('links to the previous and next page, keeping every filter in order', () => {
    const links = pageLinks(url, 2, 2, 5);
    const next = new URL(links.next ?? '');

    expect(next.origin + next.pathname).toBe('http://127.0.0.1:4010/v1/patients');
    expect([...next.searchParams]).toEqual([
      ['q[]', 'updated_at:>=2026-01-01T00:00:00Z'],
      ['per_page', '2'],
      ['q[]', 'first_name:~~J%n'],
      ['page', '3'],
      ['sort', 'updated_at,id'],
    ]);
    expect(new URL(links.previous ?? '').searchParams.get('page')).toBe('1');
    expect(new URL(links.self).searchParams.get('page')).toBe('2');
  });

  it('has no next link on the last page and no previous link on the first', () => {
    expect(pageLinks(url, 3, 2, 5).next).toBeUndefined();
    expect(pageLinks(url, 1, 2, 5).previous).toBeUndefined();
    expect(pageLinks(url, 1, 2, 4)).toHaveProperty('next');
    expect(pageLinks(url, 2, 2, 4).next).toBeUndefined();
  });

  it('has only self when there are no records', () => {
    expect(Object.keys(pageLinks(new URL('http://h/v1/patients'), 1, 50, 0))).toEqual(['self']);
  });

  it('adds page when the request had none and keeps per_page as given', () => {
    const links = pageLinks(new URL('http://h/v1/patients?per_page=500'), 1, 100, 250);

    expect(links.self).toBe('http://h/v1/patients?per_page=500&page=1');
    expect(links.next).toBe('http://h/v1/patients?per_page=500&page=2');
  });

  it('drops repeated page parameters and credentials', () => {
    const links = pageLinks(new URL('http://key:x@h/v1/patients?page=1&page=9'), 1, 50, 10);

    expect(links.self).toBe('http://h/v1/patients?page=1');
  });
});
