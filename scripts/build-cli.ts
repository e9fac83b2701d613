/**
 * Builds the `cliniko-bridge` command as the package ships it: one ES module bundle (with a chunk per
 * lazily loaded command) in `dist/`, compiled by the local esbuild, so the installed command needs no
 * TypeScript loader and no source. What cannot be bundled stays a dependency: dynalite, whose LevelDB
 * binding is a native module. The licences of the bundled packages go to
 * `dist/THIRD-PARTY-LICENSES.txt`, since their files do not travel with the bundle.
 *
 *   npx tsx scripts/build-cli.ts     (run by `npm pack` through the `prepack` script)
 *
 * `bin/cliniko-bridge.js` runs `dist/cli.js` where the TypeScript sources are absent (an installed
 * package) and the sources through tsx in a clone, so a stale bundle never runs in development.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

/** Packages the bundle leaves as imports: they must be the package's `dependencies`. */
export const EXTERNAL_PACKAGES = ['dynalite'] as const;

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: {
    js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  },
  mainFields: ['module', 'main'],
  external: [...EXTERNAL_PACKAGES],
  minify: true,
  keepNames: true,
  legalComments: 'none',
  // Chunks beside cli.js: the version command finds package.json one folder up.
  chunkNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

/** The directory of the package that holds `input` (a bundle input, relative to the root). */
function packageDirOf(input: string): string | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const name = parts[at + 1]?.startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
  return join(root, ...parts.slice(0, at + 1), ...name);
}

function licenceTextOf(dir: string): string {
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying|notice)(\.|$)/i.test(name));
  return file === undefined ? '' : readFileSync(join(dir, file), 'utf8').trim();
}

const bundled = new Map<string, { version: string; license: string; text: string }>();
for (const input of Object.keys(result.metafile.inputs)) {
  const dir = packageDirOf(input);
  if (dir === undefined || !existsSync(join(dir, 'package.json'))) continue;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    license?: string;
  };
  bundled.set(`${manifest.name}@${manifest.version}`, {
    version: manifest.version,
    license: manifest.license ?? 'see the package',
    text: licenceTextOf(dir),
  });
}
// One copy of each distinct licence text (the AWS SDK's packages share one), after the packages under it.
const byText = new Map<string, string[]>();
for (const [id, { license, text }] of [...bundled].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const key = text || `Licensed under ${license}.`;
  byText.set(key, [...(byText.get(key) ?? []), `${id} (${license})`]);
}
const notices = [...byText].map(([text, ids]) => `${ids.join('\n')}\n\n${text}\n`);
await writeFile(
  join(outdir, 'THIRD-PARTY-LICENSES.txt'),
  `The cliniko-bridge bundle (dist/) includes these packages, under their own licences:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
);

const outputs = Object.entries(result.metafile.outputs).map(([file, { bytes }]) => ({
  file: relative(root, join(root, file)),
  bytes,
}));
const total = outputs.reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(
  `Built dist/cli.js and ${outputs.length - 1} chunks (${Math.round(total / 1024)} KB), bundling ${bundled.size} packages\n`,
);
