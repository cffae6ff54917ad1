#!/usr/bin/env node
// The brp-nas command: runs the compiled CLI (dist/ is built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('brp-nas: the compiled CLI is missing (dist/); run `npm run build` first');
  process.exit(2);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
