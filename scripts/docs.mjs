// `npm run docs`: writes the generated docs after a build: docs/reference/cli.md from the commands'
// help, and docs/api/ (the library API) from the TSDoc comments with TypeDoc (typedoc.json).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);
const { cliReference } = await import(join(root, 'dist/src/cli/reference.js'));
mkdirSync(join(root, 'docs/reference'), { recursive: true });
writeFileSync(join(root, 'docs/reference/cli.md'), await cliReference());
console.error('wrote docs/reference/cli.md');
const api = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--options', join(root, 'typedoc.json'), '--logLevel', 'Warn'], { stdio: 'inherit', cwd: root });
if (api.status !== 0) process.exit(api.status ?? 1);
console.error('wrote docs/api/README.md');
