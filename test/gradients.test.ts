// Finite-difference checks of every backward pass: the whole GCN body (graph convolution,
// aggregation, LayerNorm, ReLU, dropout, global-row readout) with the regression head and both
// losses, on the WebAssembly and the JS kernels; the MLP form (one node); and the LayerNorm kernel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flattenGraphs } from '../src/nn/graphs.js';
import type { Kernels } from '../src/nn/kernels.js';
import { createJsKernels } from '../src/nn/kernels-js.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { Rng } from '../src/util/rng.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';

export interface GradCheck {
  checked: number;
  passed: number;
  medianRel: number;
}

/**
 * Compare analytic gradients with central differences for every parameter with a visible gradient
 * (|g| >= 1e-3). An entry passes when |numeric - analytic| <= tol * max(|numeric|, |analytic|) +
 * atol: atol absorbs the float32 rounding of the two losses divided by 2h, which dominates for the
 * smallest visible gradients. ReLU (and L1) kinks within +-h make the difference quotient wrong:
 * such an entry is recognised by a second quotient at h/2 that disagrees with the first, and is
 * skipped, not counted. A doubled gradient still fails every checked entry (|g| >= 1e-3 > atol / (1 - 2 tol)).
 */
export function fdCheck(params: Float32Array, grads: Float32Array, lossAt: () => number, h = 1e-3, tol = 0.03, atol = 3e-4): GradCheck {
  const analytic = Float64Array.from(grads);
  const rels: number[] = [];
  let passed = 0;
  const quotient = (i: number, step: number) => {
    const p0 = params[i];
    params[i] = p0 + step;
    const up = lossAt();
    params[i] = p0 - step;
    const down = lossAt();
    params[i] = p0;
    return (up - down) / (2 * step);
  };
  for (let i = 0; i < params.length; i++) {
    const numeric = quotient(i, h);
    const scale = Math.max(Math.abs(numeric), Math.abs(analytic[i]));
    if (scale < 1e-3) continue;
    const half = quotient(i, h / 2);
    // a kink within +-h: the two quotients disagree by more than half the tolerance (skipped, not counted)
    if (Math.abs(numeric - half) > (tol / 2) * Math.max(Math.abs(numeric), Math.abs(half)) + atol / 2) continue;
    const rel = Math.abs(numeric - analytic[i]) / scale;
    rels.push(rel);
    if (Math.abs(numeric - analytic[i]) <= tol * scale + atol) passed++;
  }
  rels.sort((a, b) => a - b);
  return { checked: rels.length, passed, medianRel: rels[rels.length >> 1] ?? 0 };
}

export interface GroupCheck extends GradCheck {
  name: string;
  size: number;
  failed: number;
}

/**
 * The finite-difference check per parameter group (a weight, a bias, a LayerNorm gain...): a wrong
 * gradient in one small group must not hide among the thousands of entries of the others.
 */
export function fdCheckGroups(groups: readonly { name: string; offset: number; size: number }[], params: Float32Array, grads: Float32Array, lossAt: () => number, h = 1e-3, tol = 0.03): GroupCheck[] {
  return groups.map((g) => {
    const sub = params.subarray(g.offset, g.offset + g.size);
    const r = fdCheck(sub, grads.subarray(g.offset, g.offset + g.size), lossAt, h, tol);
    return { ...r, name: g.name, size: g.size, failed: r.checked - r.passed };
  });
}

/** Every group has checked entries, and at most 5% of them (rounded down) disagree: a doubled group fails. */
export function assertGroupsPass(results: GroupCheck[], label: string): void {
  for (const r of results) {
    assert.ok(r.checked >= Math.min(3, r.size), `${label}: group ${r.name} has only ${r.checked} of ${r.size} entries with a visible gradient`);
    assert.ok(r.failed <= Math.floor(0.05 * r.checked), `${label}: group ${r.name}: ${r.failed} of ${r.checked} entries disagree with finite differences (median rel ${r.medianRel})`);
  }
}

function checkRegressor(k: Kernels, loss: 'l1' | 'mse', dropout: number, mlp = false, corrupt?: (grads: Float32Array, groups: { name: string; offset: number; size: number }[]) => void): GroupCheck[] {
  let set = encodeNb201Codes([11468, 5000, 123, 15624, 777]);
  if (mlp) set = flattenGraphs(set);
  const reg = new GcnRegressor(k, { nodes: set.nodes, features: set.features, hidden: 8, layers: 3, dropout, head: 'regression' });
  reg.init(new Rng(3), mlp ? 'torch-linear' : 'thomas');
  const ids = [0, 1, 2, 3, 4];
  const y = [0.1, 0.9, -0.4, 0.5, 0.2];
  // the same dropout masks in every evaluation: a fresh generator with a fixed seed
  const lossAt = () => {
    reg.model.zeroGrad();
    return reg.accumulateGradients(set, ids, y, loss, new Rng(11));
  };
  lossAt();
  const grads = Float32Array.from(reg.model.gradView());
  corrupt?.(grads, reg.model.params);
  return fdCheckGroups(reg.model.params, reg.model.paramView(), grads, lossAt, 1e-3);
}

for (const [name, make] of [['wasm', createWasmKernels], ['js', createJsKernels]] as const) {
  for (const loss of ['mse', 'l1'] as const) {
    test(`GCN regressor gradients match finite differences (${name} kernels, ${loss}, dropout 0.3)`, () => {
      const groups = checkRegressor(make(), loss, 0.3);
      assert.ok(groups.length >= 10, `only ${groups.length} parameter groups`);
      assertGroupsPass(groups, `${name} ${loss}`);
    });
  }
}

test('MLP form (one node, flattened encoding) gradients match finite differences', () => {
  assertGroupsPass(checkRegressor(createWasmKernels(), 'mse', 0), 'no dropout');
  assertGroupsPass(checkRegressor(createWasmKernels(), 'mse', 0.2, true), 'MLP');
});

test('doubling the gradient of any single parameter group fails the check for that group', () => {
  const names = checkRegressor(createWasmKernels(), 'mse', 0).map((g) => g.name);
  for (const target of names) {
    const groups = checkRegressor(createWasmKernels(), 'mse', 0, false, (grads, params) => {
      const g = params.find((p) => p.name === target)!;
      for (let i = g.offset; i < g.offset + g.size; i++) grads[i] *= 2;
    });
    assert.throws(() => assertGroupsPass(groups, 'doubled'), new RegExp(`group ${target.replace('.', '\\.')}:`), `a doubled ${target} gradient passed`);
    assert.doesNotThrow(() => assertGroupsPass(groups.filter((g) => g.name !== target), 'the others'));
  }
});

test('a broken backward pass is caught by the check', () => {
  const k = createWasmKernels();
  const set = encodeNb201Codes([11468, 5000, 123]);
  const reg = new GcnRegressor(k, { nodes: 9, features: 6, hidden: 8, layers: 2, dropout: 0, head: 'regression' });
  reg.init(new Rng(3));
  const lossAt = () => {
    reg.model.zeroGrad();
    return reg.accumulateGradients(set, [0, 1, 2], [0.1, 0.5, 0.9], 'mse', new Rng(1));
  };
  lossAt();
  const grads = Float32Array.from(reg.model.gradView());
  for (let i = 0; i < grads.length; i++) grads[i] *= 1.1; // a 10% error everywhere
  const r = fdCheck(reg.model.paramView(), grads, lossAt);
  assert.ok(r.passed / r.checked < 0.5, `${r.passed}/${r.checked} passed a corrupted gradient`);
});

test('binary relation predictor (pair head, KL loss over all pairs) gradients match finite differences', async () => {
  const { BinaryRelationPredictor } = await import('../src/predictors/brp.js');
  for (const make of [createWasmKernels, createJsKernels]) {
    const set = encodeNb201Codes([11468, 5000, 123, 15624, 777]);
    const brp = new BinaryRelationPredictor(make(), { nodes: 9, features: 6, hidden: 8, layers: 3, dropout: 0.3, head: 'binary' });
    brp.init(new Rng(3));
    const ids = [0, 1, 2, 3, 4];
    const y = [0.1, 0.9, 0.4, 0.5, 0.2];
    const lossAt = () => brp.pairGradients(set, ids, y, new Rng(17));
    lossAt();
    const grads = Float32Array.from(brp.model.gradView());
    assertGroupsPass(fdCheckGroups(brp.model.params, brp.model.paramView(), grads, lossAt, 1e-3, 0.03), 'BRP');
  }
});

test('a negative or NaN adjacency entry is refused when graphs are loaded', () => {
  const set = encodeNb201Codes([5, 77]);
  const reg = new GcnRegressor(createWasmKernels(), { nodes: 9, features: 6, hidden: 8, layers: 3, dropout: 0, head: 'regression' });
  reg.model.load(set, [0, 1]);
  for (const bad of [-1, Number.NaN]) {
    const broken = { ...set, adjacency: Float32Array.from(set.adjacency) };
    broken.adjacency[81 + 3] = bad;
    assert.throws(() => reg.model.load(broken, [0, 1]), new RegExp(`graph 1: adjacency entry ${bad} is not a non-negative number`));
  }
});
