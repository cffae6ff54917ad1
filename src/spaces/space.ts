// The search-space seam: everything the rest of brp-nas needs to know about a space. A space is a
// plug-in (a folder under spaces/ exporting one SearchSpace, listed in spaces/registry.ts);
// strategies, learners and the simulation reach it through search/domain.ts.

import type { Rng } from '../util/rng.js';

export interface SpaceSize {
  /** Number of distinct architectures (isomorphic ones counted once), or an estimate. */
  total: number;
  /** How it is counted. */
  counted: string;
  /** True when enumerate() lists them all. */
  enumerable: boolean;
}

export interface SpaceCost {
  /** Trainable parameters of the space's evaluation network. */
  params: number;
  /** Multiply-accumulates (+ pooling window reads), see each space's cost module. */
  flops: number;
}

export interface GraphEncodingShape {
  /** Nodes per graph, global node included. */
  nodes: number;
  /** One-hot feature width. */
  features: number;
}

/**
 * A cell as a picture, one per cell type (DARTS: normal and reduction): nodes in topological order
 * and the edges between them. An op lives on an edge (NB201, DARTS) or on a node (NB101); `ops` is
 * the space's op vocabulary, so an op has the same colour in every drawing.
 */
export interface CellDrawing {
  title: string;
  ops: readonly string[];
  nodes: readonly { id: string; label: string; role: 'input' | 'output' | 'node'; op?: string }[];
  /** `dead`: in the network but reaching no output (drawn faded). */
  edges: readonly { from: string; to: string; op?: string; dead?: boolean }[];
}

export interface SpaceEnumeration<A> {
  count: number;
  at(i: number): A;
  /** The position of an architecture's class. */
  indexOf(a: A): number;
}

export interface SearchSpace<A = unknown> {
  readonly name: string;
  readonly title: string;
  /** Parse an architecture string (any notation the space accepts); errors name the problem. */
  parse(s: string): A;
  /** The space's canonical string (what reports and trainers get). */
  format(a: A): string;
  /** Equal for isomorphic architectures (the same network), different otherwise. */
  key(a: A): string;
  readonly encoding: GraphEncodingShape;
  /** The reference predictors' graph encoding, written at the given offsets. */
  encodeInto(a: A, adj: Float32Array, adjOffset: number, feat: Float32Array, featOffset: number): void;
  /** A random architecture as the benchmark samples them. */
  sample(rng: Rng): A;
  /** Valid architectures one mutation away, in a fixed order (isomorphic twins may both appear). */
  neighbours(a: A): A[];
  size(): SpaceSize;
  /** Every architecture, one per key, when the space is finite and small enough to list. */
  enumerate?(): SpaceEnumeration<A>;
  cost(a: A): SpaceCost;
  /**
   * A zero-cost score of the network at initialisation: log10 of its expected SynFlow (-Infinity
   * when its input does not reach its output). Optional: spaces without it cannot use it to search.
   */
  synflow?(a: A): number;
  /**
   * Features of a layer-wise latency model (a lookup table of per-layer latencies, fitted as a
   * linear model): per layer type and position, a count or a size; names in `layerFeatureNames`.
   */
  layerFeatures?(a: A): number[];
  readonly layerFeatureNames?: readonly string[];
  /** The cells of an architecture as drawings (report/cell-svg.ts renders them). */
  draw(a: A): CellDrawing[];
}

export class UnknownSpaceError extends Error {}

/**
 * Up to `n` random architectures whose keys are not in `seen` (added to it as they are drawn), in
 * draw order; gives up after `maxTries` draws.
 */
export function sampleDistinct<A>(space: SearchSpace<A>, rng: Rng, n: number, seen: Set<string>, maxTries = Infinity): { arch: A; key: string }[] {
  const out: { arch: A; key: string }[] = [];
  for (let tries = 0; out.length < n && tries < maxTries; tries++) {
    const arch = space.sample(rng);
    const key = space.key(arch);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ arch, key });
  }
  return out;
}
