// Predicting the whole NAS-Bench-201 space (15,625 cells) with the latency GCN (4 x 600):
// shared-work eval forward against the plain batched forward, on one and two threads; and one
// BRP-NAS ranking pass (embedding + scores) over the space.
import { createKernels } from '../src/nn/backend.js';
import { BinaryRelationPredictor } from '../src/predictors/brp.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { Rng } from '../src/util/rng.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';

const all = Int32Array.from({ length: 15625 }, (_, i) => i);
const set = encodeNb201Codes(all);
const best = (f: () => void, reps: number) => {
  let b = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b / 1000;
};
for (const threads of [1, 2]) {
  const k = createKernels({ threads });
  const reg = new GcnRegressor(k, { nodes: 9, features: 6, hidden: 600, layers: 4, dropout: 0.002, head: 'regression' });
  reg.init(new Rng(1));
  const shared = best(() => reg.predictNormalised(set, all), 3);
  const sub = all.subarray(0, 2000);
  const batched = (best(() => reg.predictNormalisedBatched(set, sub), 1) * all.length) / sub.length;
  const encode = best(() => encodeNb201Codes(all), 3);
  const brp = new BinaryRelationPredictor(k, { nodes: 9, features: 6, hidden: 600, layers: 4, dropout: 0.2, head: 'binary' });
  brp.init(new Rng(2));
  const rank = best(() => brp.scores(set, all), 3);
  console.log(`${threads} thread(s): predict all 15,625 cells ${shared.toFixed(2)} s shared-work vs ${batched.toFixed(2)} s batched forward (extrapolated from 2,000), ${(batched / shared).toFixed(1)}x; encoding ${encode.toFixed(3)} s; BRP ranking scores ${rank.toFixed(2)} s`);
  k.dispose();
}
