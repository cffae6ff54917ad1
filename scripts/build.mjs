// Build: compile the TypeScript sources (library, tests, benchmarks) into dist/.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
// Stale outputs from deleted sources must not be picked up by `node --test dist/test/`.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', new URL('../tsconfig.json', import.meta.url).pathname]);
