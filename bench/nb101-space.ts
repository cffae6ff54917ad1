// The whole NAS-Bench-101 space: enumerating its 423,624 cells, hashing every one with the
// benchmark's graph hash (all distinct: the enumeration's classes are the benchmark's), encoding
// them for the predictors, and ranking all of them with a BRP predictor of the search's size
// (H = 600, 4 layers; untrained weights, the cost does not depend on them). The hashing runs last:
// its 423,624 strings on the heap slowed a ranking that ran after it from 21 s to 37 s.
//   node dist/bench/nb101-space.js [--threads 1|2] [--no-hash]

import { benchArgs } from './bench-args.js';
import { createKernels } from '../src/nn/backend.js';
import { BinaryRelationPredictor } from '../src/predictors/brp.js';
import { enumerationDomain } from '../src/search/domain.js';
import { NB101_TOTAL } from '../src/spaces/nb101/cell.js';
import { enumerateNb101, enumeratedCell } from '../src/spaces/nb101/enumerate.js';
import { nb101Hash } from '../src/spaces/nb101/hash.js';
import { nb101Space } from '../src/spaces/nb101/space.js';
import { Rng } from '../src/util/rng.js';

const { values } = benchArgs(import.meta.url, { options: { threads: { type: 'string', default: '2' }, 'no-hash': { type: 'boolean', default: false } } });
const sec = (t: number) => ((performance.now() - t) / 1000).toFixed(2);

let t = performance.now();
const e = enumerateNb101();
console.log(`enumerate: ${e.count} cells (${e.count === NB101_TOTAL ? 'the published count' : 'NOT the published count'}) in ${sec(t)} s`);
t = performance.now();
const domain = enumerationDomain(nb101Space);
const graphs = domain.graphs();
console.log(`encode all: ${graphs.count} graphs of ${graphs.nodes} x ${graphs.features} in ${sec(t)} s (${((graphs.adjacency.byteLength + graphs.featureData.byteLength) / 2 ** 20).toFixed(0)} MiB)`);
const k = createKernels({ threads: Number(values.threads) });
try {
  const brp = new BinaryRelationPredictor(k, { nodes: graphs.nodes, features: graphs.features, hidden: 600, layers: 4, dropout: 0.2, head: 'binary' });
  brp.init(new Rng(0));
  const ids = Int32Array.from({ length: graphs.count }, (_, i) => i);
  t = performance.now();
  const s = brp.scores(graphs, ids);
  const rankT = performance.now();
  const order = Array.from(ids).sort((a, b) => s[b] - s[a]);
  console.log(`BRP ranking of all ${s.length} cells (H 600, 4 layers, ${values.threads} thread(s)): scores ${((rankT - t) / 1000).toFixed(2)} s + sort ${sec(rankT)} s = ${sec(t)} s; predicted best ${domain.format(order[0])}`);
} finally {
  k.dispose();
}
// last: the 423,624 hash strings would otherwise stay on the heap during the ranking and slow it
if (!values['no-hash']) {
  t = performance.now();
  const hashes = new Set<string>();
  for (let i = 0; i < e.count; i++) hashes.add(nb101Hash(enumeratedCell(e, i)));
  console.log(`hash all: ${hashes.size} distinct graph hashes among ${e.count} cells in ${sec(t)} s`);
}
