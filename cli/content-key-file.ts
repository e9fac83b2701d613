/**
 * The content key of a local state directory: `content-key.json` beside the embedded store,
 * created (readable by its owner only) the first time a directory is used. Fingerprints and field
 * hashes in the store are keyed with it, so losing it makes every stored state "unknown previous"
 * (see `shared/engine/content-key.ts`); it is not a secret worth more than the store next to it.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ContentKeyRing,
  generateContentKeySecret,
  parseContentKeySecret,
} from '../shared/engine/content-key.js';
import { ConfigError } from '../shared/errors.js';

export const CONTENT_KEY_FILE = 'content-key.json';

/** Reads the directory's key ring, creating it first if the directory has none. */
export async function contentKeysIn(dir: string): Promise<ContentKeyRing> {
  const path = join(dir, CONTENT_KEY_FILE);
  try {
    const file = await open(path, 'wx', 0o600);
    try {
      await file.writeFile(`${generateContentKeySecret()}\n`);
    } finally {
      await file.close();
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
  try {
    return parseContentKeySecret(await readFile(path, 'utf8'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      '--state-dir',
      `${path} is not a valid content key file (${error.message}); restore it from a backup, or move the state directory aside to start afresh`,
    );
  }
}
