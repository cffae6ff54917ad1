// Cost and repeatability of on-device latency measurement: the wall time to measure one model with
// the default protocol, and the run-to-run spread when the same models are measured again in fresh
// sessions (separate repetitions), for onnxruntime-node and for onnxruntime-web in headless Chromium.
//   node dist/bench/measure.js [--models 16] [--repeats 3] [--runtimes node,browser] [--threads 1]
import { benchArgs } from './bench-args.js';
import { median } from '../src/data/summary.js';
import { startBrowserRunner } from '../src/measure/browser.js';
import { measureGroupNode, type MeasuredModel } from '../src/measure/ort-node.js';
import { DEFAULT_PROTOCOL } from '../src/measure/protocol.js';
import { allCodes, codeToVector, vectorToArchString } from '../src/spaces/nb201/cell.js';
import { buildNb201Onnx } from '../src/spaces/nb201/onnx.js';
import { Rng } from '../src/util/rng.js';

const { values } = benchArgs(import.meta.url, { options: { models: { type: 'string', default: '16' }, repeats: { type: 'string', default: '3' }, runtimes: { type: 'string', default: 'node,browser' }, threads: { type: 'string', default: '1' } } });
const nModels = Number(values.models);
const repeats = Number(values.repeats);
const threads = Number(values.threads);
const codes = new Rng(7).sample(Array.from(allCodes({ validOnly: true })), nModels);
const protocol = DEFAULT_PROTOCOL;
console.log(`protocol: warm-up ${protocol.warmup}, ${protocol.rounds} rounds x ${protocol.runsPerRound} runs, groups of ${protocol.interleave}; ${nModels} random NB201 cells, ${repeats} repetitions, ${threads} thread(s)`);
for (const runtime of values.runtimes!.split(',')) {
  const browser = runtime === 'browser' ? await startBrowserRunner(threads) : null;
  const measure = (group: number[], rng: Rng): Promise<MeasuredModel[]> => {
    const nets = group.map((c) => ({ arch: vectorToArchString(codeToVector(c)), net: buildNb201Onnx(codeToVector(c)) }));
    return browser ? browser.measureGroup(nets, protocol, rng) : measureGroupNode(nets, threads, protocol, rng);
  };
  const lat: number[][] = codes.map(() => []);
  const withinRun: number[] = [];
  let seconds = 0;
  try {
    for (let r = 0; r < repeats; r++) {
      const rng = new Rng(100 + r);
      const t0 = performance.now();
      for (let s = 0; s < codes.length; s += protocol.interleave) {
        const res = await measure(codes.slice(s, s + protocol.interleave), rng);
        res.forEach((m, i) => {
          lat[s + i].push(m.stats.latency);
          withinRun.push((m.stats.p90 - m.stats.p10) / m.stats.median);
        });
      }
      seconds += (performance.now() - t0) / 1000;
    }
  } finally {
    await browser?.close();
  }
  const cv = lat.map((xs) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) / m;
  });
  const ms = lat.map((xs) => median(xs) * 1e3);
  console.log(
    `${runtime.padEnd(8)} ${((seconds / (repeats * codes.length)) * 1e3).toFixed(0)} ms to measure one model; latency median ${median(ms).toFixed(3)} ms (range ${Math.min(...ms).toFixed(3)}-${Math.max(...ms).toFixed(3)}); run-to-run CV median ${(median(cv) * 100).toFixed(1)}% (max ${(Math.max(...cv) * 100).toFixed(1)}%); within-run (p90-p10)/median ${(median(withinRun) * 100).toFixed(0)}%`,
  );
}
