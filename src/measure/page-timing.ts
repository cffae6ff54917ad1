// The timing loop that runs inside a web page (measure --runtime browser, and the lab's device page),
// as JavaScript source: one definition of the protocol on the page side. Seeded inputs (xorshift32:
// latency does not depend on the values, reproducibility does), warm-up, then rounds of back-to-back
// runs with the models of a group interleaved round by round. Needs ort (onnxruntime-web) in scope.
// timeGroup(models, protocol, seed, ep) returns, per model, rounds x runs of seconds.

export const PAGE_TIMING_JS = `
function fill(n, state) {
  const a = new Float32Array(n);
  let s = state.s;
  for (let i = 0; i < n; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; a[i] = s / 4294967296; }
  state.s = s;
  return a;
}
async function timeGroup(models, protocol, seed, ep) {
  const state = { s: (seed >>> 0) || 1 };
  const sessions = [];
  try {
    for (const m of models) {
      const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep || 'wasm'], graphOptimizationLevel: 'all' });
      sessions.push({ session, input: m.input, shape: m.shape, times: [] });
    }
    const feed = (x) => ({ [x.input]: new ort.Tensor('float32', fill(x.shape.reduce((a, b) => a * b, 1), state), x.shape) });
    for (const x of sessions) { const f = feed(x); for (let i = 0; i < protocol.warmup; i++) await x.session.run(f); }
    for (let r = 0; r < protocol.rounds; r++) {
      for (const x of sessions) {
        const f = feed(x);
        const round = [];
        for (let i = 0; i < protocol.runsPerRound; i++) {
          const t0 = performance.now();
          await x.session.run(f);
          round.push((performance.now() - t0) / 1000);
        }
        x.times.push(round);
      }
    }
    return sessions.map((x) => x.times);
  } finally {
    for (const x of sessions) await x.session.release();
  }
}
`;
