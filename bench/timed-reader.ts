/** A `ClinikoReader` wrapper that remembers when each list request was made (wall clock). */
import type { ClinikoReader, ListPage, ListQuery } from '../shared/engine/ports.js';

export class TimedReader implements ClinikoReader {
  readonly startedAt: number[] = [];

  constructor(private readonly inner: ClinikoReader) {}

  listPage(path: string, arrayKey: string, query: ListQuery): Promise<ListPage> {
    this.startedAt.push(Date.now());
    return this.inner.listPage(path, arrayKey, query);
  }
}
