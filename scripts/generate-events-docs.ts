/**
 * Regenerates the event catalog (`docs/events.md`) and the JSON Schemas (`schemas/`) from the zod
 * schemas in shared/events. Run after changing the event contract or the stream registry:
 *   npx tsx scripts/generate-events-docs.ts
 * A test fails when the committed files differ from what this produces.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEventCatalog } from '../shared/events/catalog.js';
import { writeJsonSchemas } from '../shared/events/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docsPath = join(root, 'docs', 'events.md');

await mkdir(dirname(docsPath), { recursive: true });
await writeFile(docsPath, renderEventCatalog(), 'utf8');
const schemaFiles = await writeJsonSchemas(join(root, 'schemas'));
process.stdout.write(`Wrote docs/events.md and ${schemaFiles.length} files in schemas/\n`);
