// `npm run docs`: writes the generated docs (docs/reference/cli.md from the commands' help) after a build.
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
