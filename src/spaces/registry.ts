// The known search spaces. Adding one: a folder under spaces/ exporting a SearchSpace, and a line here.

import { dartsSpace } from './darts/space.js';
import { nb101Space } from './nb101/space.js';
import { nb201Space } from './nb201/space.js';
import { UnknownSpaceError, type SearchSpace } from './space.js';

export const SPACES = { nb201: nb201Space, nb101: nb101Space, darts: dartsSpace } as const;
export type SpaceName = keyof typeof SPACES;
export const SPACE_NAMES = Object.keys(SPACES) as SpaceName[];

export function getSpace(name: string): SearchSpace {
  const s = (SPACES as Record<string, SearchSpace>)[name];
  if (!s) throw new UnknownSpaceError(`unknown search space ${JSON.stringify(name)}; known: ${SPACE_NAMES.join(', ')}`);
  return s;
}
