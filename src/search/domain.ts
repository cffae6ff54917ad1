// What a search strategy sees of a search space: architectures as integer ids (0..size-1), their
// equivalence classes, their neighbours among the ids, and the predictors' graph encodings by id.
// NB201 uses its vector codes as ids (all 15,625 cells); any other space searches a list of
// architectures (a benchmark's pool, an enumeration, a sample), ids being list positions.

import type { GraphSet } from '../nn/graphs.js';
import { nb201Mutations, nb201Space } from '../spaces/nb201/space.js';
import { NB201_SIZE, codeToVector, parseArch, vectorToArchString, vectorToCode } from '../spaces/nb201/cell.js';
import type { SearchSpace } from '../spaces/space.js';
import { encodeArchs } from '../spaces/graphs.js';
import { nb201SynflowByCode } from '../spaces/nb201/synflow.js';
import { throwIfStopped, type StopSignal } from '../util/stop.js';
import { isoClass } from './iso-class.js';
import { nb201GraphsByCode } from '../spaces/nb201/graphs.js';

export interface SearchDomain {
  readonly space: SearchSpace;
  /** Ids are 0..size-1. */
  readonly size: number;
  /** The architecture string of an id. */
  format(id: number): string;
  /** The id of an architecture string, or an error naming why there is none. */
  lookup(arch: string): number;
  /** Isomorphic architectures share a class; every strategy trains one per class. */
  classOf(id: number): string;
  /** Ids one mutation away, in a fixed order (REA draws from them). */
  neighbours(id: number): number[];
  /** Graph encodings of all ids (graph i = id i), built on first use. */
  graphs(): GraphSet;
  /** Trainable parameters of the id's network (the space's cost model): a zero-cost score. */
  params(id: number): number;
  /**
   * log10 of each id's expected SynFlow (see SearchSpace.synflow), where the space has it. Polls
   * `signal`: the scores of a whole space take tens of seconds.
   */
  synflow?(ids: ArrayLike<number>, signal?: StopSignal): Float64Array;
}

/** NB201 with vector codes as ids; neighbours keep REA's original order (invalid ones are never candidates). */
export const nb201Domain: SearchDomain = {
  space: nb201Space,
  size: NB201_SIZE,
  format: (id) => vectorToArchString(codeToVector(id)),
  lookup: (arch) => vectorToCode(parseArch(arch)),
  classOf: isoClass,
  neighbours: (id) => nb201Mutations(codeToVector(id)).map(vectorToCode),
  graphs: nb201GraphsByCode,
  params: (id) => nb201Space.cost(codeToVector(id)).params,
  synflow(ids, signal) {
    const table = nb201SynflowByCode(undefined, signal);
    return Float64Array.from(ids, (id) => table[id]);
  },
};

/** The space's SynFlow of each id's architecture, polling `signal` every 64. */
function spaceSynflows<A>(space: SearchSpace<A>, ids: ArrayLike<number>, arch: (id: number) => A, signal?: StopSignal): Float64Array {
  const out = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    if (i % 64 === 0) throwIfStopped(signal);
    out[i] = space.synflow!(arch(ids[i]));
  }
  return out;
}

/**
 * A list of architectures of any space as a domain. `keys` (the space's key of each, if known)
 * saves recomputing them; keys must be distinct (one architecture per class).
 */
export function listDomain<A>(space: SearchSpace<A>, archs: readonly A[], keys?: readonly string[]): SearchDomain {
  const keyOf = keys ? keys.slice() : archs.map((a) => space.key(a));
  const idOfKey = new Map<string, number>();
  keyOf.forEach((k, i) => {
    if (idOfKey.has(k)) throw new Error(`${space.title}: architectures ${idOfKey.get(k)} and ${i} of the list are the same (isomorphic) network`);
    idOfKey.set(k, i);
  });
  let graphs: GraphSet | null = null;
  const neighbourCache = new Map<number, number[]>();
  return {
    space,
    size: archs.length,
    format: (id) => space.format(archs[id]),
    lookup(arch) {
      const id = idOfKey.get(space.key(space.parse(arch)));
      if (id === undefined) throw new Error(`${arch} is not among the ${archs.length} architectures of this search`);
      return id;
    },
    classOf: (id) => keyOf[id],
    neighbours(id) {
      let n = neighbourCache.get(id);
      if (!n) {
        n = [];
        for (const b of space.neighbours(archs[id])) {
          const j = idOfKey.get(space.key(b));
          if (j !== undefined) n.push(j);
        }
        neighbourCache.set(id, n);
      }
      return n;
    },
    graphs: () => (graphs ??= encodeArchs(space, archs)),
    params: (id) => space.cost(archs[id]).params,
    ...(space.synflow ? { synflow: (ids: ArrayLike<number>, signal?: StopSignal) => spaceSynflows(space, ids, (id) => archs[id], signal) } : {}),
  };
}

/**
 * A whole enumerable space as a domain (ids = enumeration positions, one per class). The encodings
 * of a large space are big (NB101: 423,624 graphs, about 200 MB): they are built only if a predictor
 * asks for them.
 */
export function enumerationDomain<A>(space: SearchSpace<A>): SearchDomain {
  const e = space.enumerate?.();
  if (!e) throw new Error(`${space.title} cannot be enumerated: give the candidates`);
  let graphs: GraphSet | null = null;
  return {
    space,
    size: e.count,
    format: (id) => space.format(e.at(id)),
    lookup: (arch) => e.indexOf(space.parse(arch)),
    classOf: (id) => String(id),
    neighbours: (id) => space.neighbours(e.at(id)).map((b) => e.indexOf(b)),
    params: (id) => space.cost(e.at(id)).params,
    ...(space.synflow ? { synflow: (ids: ArrayLike<number>, signal?: StopSignal) => spaceSynflows(space, ids, (id) => e.at(id), signal) } : {}),
    graphs() {
      if (!graphs) {
        const { nodes: N, features: F } = space.encoding;
        const adjacency = new Float32Array(e.count * N * N);
        const featureData = new Float32Array(e.count * N * F);
        for (let i = 0; i < e.count; i++) space.encodeInto(e.at(i), adjacency, i * N * N, featureData, i * N * F);
        graphs = { nodes: N, features: F, count: e.count, adjacency, featureData };
      }
      return graphs;
    },
  };
}
