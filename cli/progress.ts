/**
 * Progress of long change passes (e.g. a first backfill) per stream: records done / total, where the
 * total is the `total_entries` of the pass's first page in this run. It watches the pages the engine
 * reads through a `ClinikoReader` wrapper, so the engine needs no progress hooks.
 *
 * On a TTY it keeps one live line per stream at the bottom of stderr (cleared while events are
 * printed, then redrawn); otherwise it prints plain lines when a long pass starts, every few
 * seconds, and when it completes. Lines carry stream names and counts only.
 */
import type { ClinikoReader, EventPublisher, ListPage, ListQuery } from '../shared/engine/ports.js';
import { PAGE_SIZE } from '../shared/engine/window.js';
import type { ChangeEvent } from '../shared/events/contract.js';
import { STREAMS } from '../shared/streams.js';

export interface ProgressProps {
  readonly out: NodeJS.WritableStream & { columns?: number };
  /** Live redrawn lines (a TTY) or plain periodic lines. */
  readonly live: boolean;
  /** Plain mode: seconds between lines. @default 5000 */
  readonly plainIntervalMs?: number;
  readonly now?: () => number;
}

interface StreamProgress {
  done: number;
  readonly total: number;
  finished: boolean;
}

const BY_PATH = new Map(STREAMS.map((stream) => [stream.path, stream.name]));
const LIVE_REDRAW_MS = 200;

export class Progress {
  private readonly streams = new Map<string, StreamProgress>();
  private readonly plainIntervalMs: number;
  private readonly now: () => number;
  private drawnLines = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastPlain = 0;

  constructor(private readonly props: ProgressProps) {
    this.plainIntervalMs = props.plainIntervalMs ?? 5000;
    this.now = props.now ?? Date.now;
  }

  /** `inner` with every page it returns counted. */
  reader(inner: ClinikoReader): ClinikoReader {
    return {
      listPage: async (path: string, arrayKey: string, query: ListQuery): Promise<ListPage> => {
        const page = await inner.listPage(path, arrayKey, query);
        this.observe(path, query, page);
        return page;
      },
    };
  }

  /** `inner` that clears the live lines while it prints, so events and progress do not interleave. */
  publisher(inner: EventPublisher): EventPublisher {
    return {
      publish: async (events: readonly ChangeEvent[]): Promise<void> => {
        if (events.length === 0) return inner.publish(events);
        this.clearLive();
        try {
          await inner.publish(events);
        } finally {
          this.drawLive(true);
        }
      },
    };
  }

  /** Call at the start and end of every engine run: totals are per run. */
  reset(): void {
    this.clearLive();
    this.streams.clear();
  }

  private observe(path: string, query: ListQuery, page: ListPage): void {
    const name = BY_PATH.get(path);
    if (name === undefined) return;
    let progress = this.streams.get(name);
    const started = progress === undefined;
    if (query.sort === 'updated_at,id') {
      if (progress === undefined) {
        // Only passes longer than one page are "long work" worth a progress line.
        if (page.totalEntries === undefined || page.totalEntries <= PAGE_SIZE) return;
        progress = { done: 0, total: page.totalEntries, finished: false };
        this.streams.set(name, progress);
      }
      // Each keyset request counts what is left from its lower bound, so done = total - left.
      const left = Math.max(0, (page.totalEntries ?? 0) - page.records.length);
      progress.done = Math.min(progress.total, Math.max(progress.done, progress.total - left));
      if (page.nextUrl === undefined && page.records.length < (query.perPage ?? PAGE_SIZE)) {
        progress.done = progress.total;
        progress.finished = true;
      }
    } else if (progress !== undefined && (query.filters ?? []).some((f) => f.startsWith('updated_at:<='))) {
      // Draining one second by id: these records are part of the same pass.
      progress.done = Math.min(progress.total, progress.done + page.records.length);
    } else {
      return;
    }
    if (this.props.live) this.drawLive(false);
    else if (started || progress.finished) {
      if (started) this.lastPlain = this.now();
      this.props.out.write(`progress ${this.line(name, progress)}\n`);
    } else this.printPlainPeriodically();
  }

  private line(name: string, progress: StreamProgress): string {
    const percent = Math.floor((progress.done / progress.total) * 100);
    const state = progress.finished ? 'done' : `${percent}%`;
    return `${name.padEnd(this.nameWidth())}  ${progress.done}/${progress.total} records  ${state}`;
  }

  /** As wide as the longest name in progress, not the longest of all 32 streams. */
  private nameWidth(): number {
    return Math.max(0, ...[...this.streams.keys()].map((name) => name.length));
  }

  private printPlainPeriodically(): void {
    const now = this.now();
    if (now - this.lastPlain < this.plainIntervalMs) return;
    this.lastPlain = now;
    for (const [name, progress] of this.streams) {
      if (!progress.finished) this.props.out.write(`progress ${this.line(name, progress)}\n`);
    }
  }

  private clearLive(): void {
    if (!this.props.live || this.drawnLines === 0) return;
    // Up to the first live line, then erase to the end of the screen.
    this.props.out.write(`\u001b[${this.drawnLines}A\u001b[0J`);
    this.drawnLines = 0;
  }

  private drawLive(force: boolean): void {
    if (!this.props.live) return;
    const now = this.now();
    if (!force && now - this.lastDraw < LIVE_REDRAW_MS) return;
    this.lastDraw = now;
    this.clearLive();
    const width = Math.max(20, (this.props.out.columns ?? 80) - 1);
    const lines = [...this.streams].map(([name, p]) => `  ${this.line(name, p)}`.slice(0, width));
    if (lines.length === 0) return;
    this.props.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
