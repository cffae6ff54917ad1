// brp-nas evaluate: a delivered ONNX network's test accuracy on Fashion-MNIST, computed here. The
// model is made here (a nearest-class-mean linear classifier fitted on training images), so the
// accuracy onnxruntime computes can be checked against the same classifier computed in TypeScript.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import { GraphBuilder, int } from '../src/onnx/graph-builder.js';
import { loadImageSet } from '../src/data/image-datasets.js';
import { parseIdx } from '../src/data/idx.js';
import { Rng } from '../src/util/rng.js';
import { cli } from './helpers.js';

/** A linear classifier over flattened images: score_k = w_k . x + b_k, as ONNX; batch 'N' is symbolic. */
function linearModel(w: Float64Array, b: Float64Array, classes: number, shape: [number, number, number], batch: number | 'N'): Uint8Array {
  const { onnx } = onnxProto;
  const g = new GraphBuilder(new Rng(0));
  const d = shape[0] * shape[1] * shape[2];
  const x = g.node('Flatten', ['input']);
  const fw = g.init('w', [classes, d], (i) => w[i], true);
  const fb = g.init('b', [classes], (i) => b[i], true);
  const y = g.node('Gemm', [x, fw, fb], [int('transB', 1)]);
  const dim = (v: number | string) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v });
  const type = (dims: (number | string)[]) => ({ tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map(dim) } } });
  const model = { irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'linear', node: g.nodes, initializer: g.inits, input: [{ name: 'input', type: type([batch, ...shape]) }], output: [{ name: y, type: type([batch, classes]) }] } };
  return onnx.ModelProto.encode(model).finish();
}

test('evaluate: the accuracy onnxruntime computes equals the same classifier computed here (to 0.1 points), on the 10,000 Fashion-MNIST test images', () => {
  const train = loadImageSet('fashion-mnist', 'train');
  const testSet = loadImageSet('fashion-mnist', 'test');
  assert.equal(testSet.count, 10000);
  const d = 28 * 28;
  // class means of 5,000 training images
  const mean = new Float64Array(10 * d);
  const n = new Float64Array(10);
  for (let i = 0; i < 5000; i++) {
    const k = train.labels[i];
    n[k]++;
    for (let j = 0; j < d; j++) mean[k * d + j] += train.images[i * d + j] / 255;
  }
  for (let k = 0; k < 10; k++) for (let j = 0; j < d; j++) mean[k * d + j] /= n[k];
  const b = Float64Array.from({ length: 10 }, (_, k) => -0.5 * mean.subarray(k * d, (k + 1) * d).reduce((a, x) => a + x * x, 0));
  let correct = 0;
  for (let i = 0; i < testSet.count; i++) {
    let best = -1;
    let bestS = -Infinity;
    for (let k = 0; k < 10; k++) {
      let s = b[k];
      for (let j = 0; j < d; j++) s += mean[k * d + j] * (testSet.images[i * d + j] / 255);
      if (s > bestS) [best, bestS] = [k, s];
    }
    if (best === testSet.labels[i]) correct++;
  }
  const expected = correct / 100;
  const dir = mkdtempSync(join(tmpdir(), 'brp-eval-'));
  try {
    // a fixed batch of 1 and a symbolic one (run in batches of 256)
    for (const batch of [1, 'N'] as const) {
      const path = join(dir, `m${batch}.onnx`);
      writeFileSync(path, linearModel(mean, b, 10, [1, 28, 28], batch));
      const r = cli(['evaluate', '--model', path, '--dataset', 'fashion-mnist', '--json']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.count, 10000);
      assert.ok(Math.abs(j.accuracy - expected) <= 0.1, `onnxruntime ${j.accuracy}% against ${expected}% computed here`);
      assert.ok(j.accuracy > 50, `a nearest-mean classifier gets ${j.accuracy}%`);
      assert.equal(j.batch, batch === 1 ? 1 : 256);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('evaluate refuses what does not fit, in one line, exit 1: a model for other images, a corrupt or truncated IDX file, images and labels that disagree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-eval-bad-'));
  try {
    const wrong = join(dir, 'cifar.onnx');
    writeFileSync(wrong, linearModel(new Float64Array(10 * 3 * 32 * 32), new Float64Array(10), 10, [3, 32, 32], 1));
    const r = cli(['evaluate', '--model', wrong, '--dataset', 'fashion-mnist']);
    assert.equal(r.code, 1);
    assert.match(r.err, /the model's input is \[1, 3, 32, 32\]; fashion-mnist-test images need float32 \[batch, 1, 28, 28\]/);
    assert.equal(r.err.trim().split('\n').length, 1);
    const garbage = join(dir, 'garbage.onnx');
    writeFileSync(garbage, 'not a model');
    assert.match(cli(['evaluate', '--model', garbage, '--dataset', 'fashion-mnist']).err, /not an ONNX model onnxruntime can load/);
    assert.match(cli(['evaluate', '--model', wrong, '--dataset', 'cifar-100']).err, /--dataset must be one of fashion-mnist/);
    // a dataset directory of made-up IDX files
    const idx = (magic: number, dims: number[], data: Uint8Array) => {
      const head = Buffer.alloc(4 + 4 * dims.length);
      head.writeUInt32BE(magic, 0);
      dims.forEach((x, i) => head.writeUInt32BE(x, 4 + 4 * i));
      return gzipSync(Buffer.concat([head, data]));
    };
    const ds = join(dir, 'fm');
    const write = (images: Buffer, labels: Buffer) => {
      rmSync(ds, { recursive: true, force: true });
      mkdirSync(ds, { recursive: true });
      writeFileSync(join(ds, 't10k-images-idx3-ubyte.gz'), images);
      writeFileSync(join(ds, 't10k-labels-idx1-ubyte.gz'), labels);
    };
    const model = join(dir, 'ok.onnx');
    writeFileSync(model, linearModel(new Float64Array(10 * 784), new Float64Array(10), 10, [1, 28, 28], 1));
    const run = () => cli(['evaluate', '--model', model, '--dataset', 'fashion-mnist', '--dataset-dir', ds]);
    write(idx(0x803, [3, 28, 28], new Uint8Array(3 * 784)), idx(0x801, [3], new Uint8Array([0, 1, 2])));
    assert.equal(run().code, 0, 'three made-up images evaluate');
    write(idx(0x803, [3, 28, 28], new Uint8Array(2 * 784)), idx(0x801, [3], new Uint8Array(3)));
    assert.match(run().err, /t10k-images-idx3-ubyte\.gz: 1568 bytes of data where its header \[3,28,28\] says 2352 \(truncated\)/);
    write(idx(0x803, [3, 28, 28], new Uint8Array(3 * 784)), idx(0x801, [2], new Uint8Array(2)));
    assert.match(run().err, /3 images but 2 labels/);
    write(idx(0x803, [1, 28, 28], new Uint8Array(784)), idx(0x801, [1], new Uint8Array([12])));
    assert.match(run().err, /label 12 of image 0 is not a class \(0-9\)/);
    write(Buffer.from([0x1f, 0x8b, 1, 2, 3]), idx(0x801, [1], new Uint8Array(1)));
    assert.match(run().err, /not a readable gzip file/);
    write(idx(0x0d03, [1, 28, 28], new Uint8Array(784 * 4)), idx(0x801, [1], new Uint8Array(1)));
    assert.match(run().err, /IDX element type 0xd is not supported/);
    rmSync(join(ds, 't10k-labels-idx1-ubyte.gz'));
    assert.match(run().err, /t10k-labels-idx1-ubyte\.gz is missing: Fashion-MNIST comes from Debian's dataset-fashion-mnist package/);
    assert.throws(() => parseIdx(new Uint8Array([0, 0, 8]), 'x'), /too short/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('export writes an architecture\'s untrained network as ONNX: parameters equal the space\'s cost model, onnxruntime runs it; bad input refused', async () => {
  const ort = (await import('onnxruntime-node')).default;
  const { getSpace } = await import('../src/spaces/registry.js');
  const dir = mkdtempSync(join(tmpdir(), 'brp-export-'));
  try {
    const archs = { nb201: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|', nb101: '100110100001001010101:02001', darts: '[[(1, 5), (0, 5), (2, 2), (0, 1), (1, 3), (3, 2), (1, 5), (0, 2)], [(1, 4), (0, 1), (2, 6), (0, 6), (2, 5), (1, 6), (2, 2), (1, 5)]]' };
    for (const [space, arch] of Object.entries(archs)) {
      const out = join(dir, `${space}.onnx`);
      const r = cli(['export', '--space', space, '--arch', arch, '--out', out, '--json']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      const s = getSpace(space);
      assert.equal(j.params, s.cost(s.parse(arch)).params, `${space}: parameters`);
      const session = await ort.InferenceSession.create(out);
      const res = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(3 * 32 * 32), [1, 3, 32, 32]) });
      assert.deepEqual(res[session.outputNames[0]].dims, [1, 10]);
      await session.release();
    }
    const bad = cli(['export', '--space', 'nb201', '--arch', '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', '--out', join(dir, 'x.onnx')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /does not connect input to output/);
    assert.equal(cli(['export', '--space', 'nb101', '--arch', archs.nb101, '--channels', '8', '--out', join(dir, 'y.onnx')]).code, 2);
    assert.match(cli(['export', '--space', 'nb201', '--arch', archs.nb201, '--out', dir]).err, /is a directory; give a file name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
