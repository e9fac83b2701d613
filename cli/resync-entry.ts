/** The `resync` entry of the command table in `main.ts`: its summary, and its module loaded only when it runs. */
import type { Command } from './main.js';

export const RESYNC_COMMAND = {
  summary:
    'Send the current state of records changed since an instant again (original event ids where unchanged)',
  load: async (): Promise<Command> => (await import('./resync-command.js')).resyncCommand,
};
