/** Minimal types for dynalite, which ships none: a factory returning a Node HTTP server. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    readonly path?: string;
    /** How long new tables stay in CREATING state. */
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    readonly maxItemSizeKb?: number;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
