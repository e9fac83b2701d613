/**
 * `cliniko-bridge schemas [--out DIR]`: writes the JSON Schema of every event detail-type
 * (one `<detail-type>.json` each, plus `index.json`) for the EventBridge Schema Registry or any
 * consumer's validator.
 */

import { ConfigError } from '../shared/errors.js';
import { JSON_SCHEMA_TARGET, writeJsonSchemas } from '../shared/events/json-schema.js';
import type { Command } from './main.js';

const USAGE = [
  'Usage: cliniko-bridge schemas [--out DIR]',
  '',
  'Writes the JSON Schema (draft-04) of every event detail-type plus index.json.',
  '',
  'Options:',
  '  --out DIR   directory to write to (created if missing; default: schemas)',
  '  --help      show this help',
].join('\n');

interface SchemasOptions {
  readonly out: string;
  readonly help: boolean;
}

function parseSchemasArgs(args: readonly string[]): SchemasOptions {
  let out = 'schemas';
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? args[++i] : arg.slice('--out='.length);
      if (value === undefined || value === '' || value.startsWith('--')) {
        throw new ConfigError('--out', 'needs a directory, e.g. `--out schemas`');
      }
      out = value;
    } else {
      throw new ConfigError(arg, `unknown option for \`schemas\`; the only option is --out DIR.\n\n${USAGE}`);
    }
  }
  return { out, help };
}

export const schemasCommand: Command = async (args, io) => {
  const options = parseSchemasArgs(args);
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const written = await writeJsonSchemas(options.out);
  io.stdout.write(`Wrote ${written.length} JSON Schema files (${JSON_SCHEMA_TARGET}) to ${options.out}:\n`);
  for (const path of written) io.stdout.write(`  ${path}\n`);
  return 0;
};
