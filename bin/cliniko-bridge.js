#!/usr/bin/env node
// In a clone, with the TypeScript sources beside this file, runs them through tsx's loader: the
// command works straight after `npm ci` and always runs the code as it is. An installed package ships
// no sources: it runs the bundle `npm pack` built (dist/cli.js, see scripts/build-cli.ts).
import { existsSync } from 'node:fs';

const source = new URL('../cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/cli.js'));
}
process.exitCode = await main(process.argv.slice(2));
