import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { NB201_DATASETS, macroConfigFor, nb201Cost } from '../src/spaces/nb201/cost.js';
import { codeToVector } from '../src/spaces/nb201/cell.js';
import { dataDir } from './helpers.js';

test('hand-checked costs: the all-none and all-conv3x3 networks', () => {
  // stem 464 + reduction blocks 14,464 + 57,600 + final BN 128 + classifier 6,500 (CIFAR-100)
  assert.equal(nb201Cost([0, 0, 0, 0, 0, 0], macroConfigFor('cifar100')).params, 79156);
  const conv = nb201Cost([3, 3, 3, 3, 3, 3], macroConfigFor('cifar10'));
  // each conv3x3 edge at 16/32/64 channels costs 2,359,296 MACs per cell at every stage
  assert.equal(conv.flops, 7807626 + 6 * 15 * 2359296);
  assert.equal(conv.flopsEffective, conv.flops);
  // dead edges count in the benchmark's network but not in the pruned graph
  const dead = nb201Cost([3, 0, 0, 1, 0, 0]); // conv on 0->1 feeds nothing
  assert.equal(dead.flops - dead.flopsEffective, 15 * 2359296);
  assert.equal(nb201Cost([3, 3, 3, 3, 3, 3], macroConfigFor('imagenet16')).flops * 4 < conv.flops * 1.01, true);
});

test('computed parameter counts agree with the benchmark (metric_vals) for all 15,625 cells', () => {
  const b = loadNb201Benchmark(dataDir(), { devices: 'none' });
  // The benchmark reports, for exactly 150 cells, the count of another cell of the same NATS
  // isomorphism class (the two differ by one conv edge); everything else matches to its rounding.
  const classes = new Map<string, number[]>();
  b.uniqueStrings.forEach((u, i) => classes.set(u, [...(classes.get(u) ?? []), i]));
  for (const d of NB201_DATASETS) {
    const c = b.datasets[d];
    let borrowed = 0;
    for (let i = 0; i < 15625; i++) {
      assert.equal(c.params[i], nb201Cost(codeToVector(b.index.codes[i]), macroConfigFor(d)).params);
      if (Math.abs(c.params[i] - c.paramsBench[i]) <= 0.5) continue;
      borrowed++;
      const sibling = classes.get(b.uniqueStrings[i])!.some((j) => j !== i && Math.abs(c.params[j] - c.paramsBench[i]) <= 0.5);
      assert.ok(sibling, `${d} cell ${i}: computed ${c.params[i]}, benchmark ${c.paramsBench[i]}, and no isomorphic sibling has that count`);
    }
    assert.equal(borrowed, 150, d);
  }
});
