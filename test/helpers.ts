// Shared test helpers. Tests that need the benchmark data fail with a clear message when it is
// missing (never skip silently).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export function dataDir(): string {
  const dir = process.env.BRPNAS_DATA ?? resolve(ROOT, '../shared/data');
  if (!existsSync(dir)) {
    throw new Error(`benchmark data not found at ${dir}: this test needs ../shared/data beside the repository (or $BRPNAS_DATA)`);
  }
  return dir;
}
