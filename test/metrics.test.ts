import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kendallTau, pairedDifference, ranks, regressionMetrics, rmse, spearman, withinShare } from '../src/eval/metrics.js';
import { Rng } from '../src/util/rng.js';

function kendallNaive(a: number[], b: number[]): number {
  let c = 0;
  let d = 0;
  let ta = 0;
  let tb = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = i + 1; j < a.length; j++) {
      const x = Math.sign(a[i] - a[j]);
      const y = Math.sign(b[i] - b[j]);
      if (x === 0 && y === 0) continue;
      if (x === 0) ta++;
      else if (y === 0) tb++;
      else if (x === y) c++;
      else d++;
    }
  return (c - d) / Math.sqrt((c + d + ta) * (c + d + tb));
}

test('Kendall tau-b matches the O(n^2) definition, with and without ties', () => {
  const r = new Rng(4);
  for (const levels of [0, 5]) {
    const a = Array.from({ length: 300 }, () => (levels ? r.int(levels) : r.float()));
    const b = a.map((x) => (levels ? Math.min(levels - 1, Math.max(0, x + r.int(3) - 1)) : x + 0.3 * r.normal()));
    assert.ok(Math.abs(kendallTau(a, b) - kendallNaive(a, b)) < 1e-12);
  }
  assert.equal(kendallTau([1, 2, 3], [3, 2, 1]), -1);
  assert.equal(kendallTau([1, 2, 3], [10, 20, 30]), 1);
});

test('Spearman uses average ranks; bands, RMSE and the bundle', () => {
  assert.deepEqual(Array.from(ranks([10, 20, 20, 5])), [2, 3.5, 3.5, 1]);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 4, 9, 16]) - 1) < 1e-12);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12);
  assert.equal(withinShare([1.04, 0.9, 2], [1, 1, 1], 0.05), 1 / 3);
  assert.equal(withinShare([1.09, 0.91], [1, 1], 0.1), 1);
  assert.ok(Math.abs(rmse([1, 2], [1, 4]) - Math.sqrt(2)) < 1e-12);
  const m = regressionMetrics([1, 2, 3.3], [1, 2, 3]);
  assert.equal(m.count, 3);
  assert.equal(m.within1, 2 / 3);
  assert.equal(m.within10, 1);
  assert.throws(() => rmse([1], [1, 2]), /differ in length/);
});

test('paired differences: mean, standard error by hand, sign counts; bad input refused', () => {
  // differences 1, -1, 3, 0: mean 0.75, sample variance (0.0625 + 3.0625 + 5.0625 + 0.5625) / 3 = 2.9167
  const p = pairedDifference([2, 1, 5, 4], [1, 2, 2, 4]);
  assert.equal(p.n, 4);
  assert.equal(p.mean, 0.75);
  assert.ok(Math.abs(p.se - Math.sqrt(8.75 / 3) / 2) < 1e-12);
  assert.deepEqual([p.higher, p.lower, p.equal], [2, 1, 1]);
  assert.ok(Number.isNaN(pairedDifference([1], [0]).se));
  assert.throws(() => pairedDifference([1, 2], [1]), /differ in length/);
  assert.throws(() => pairedDifference([1, NaN], [1, 2]), /finite/);
});
