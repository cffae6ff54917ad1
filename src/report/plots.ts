// Plots as SVG through vega-lite (compiled to a vega view rendered without a browser), and as PNG
// through resvg. Each plot says in a subtitle what its lines and bands are.

import { Resvg } from '@resvg/resvg-js';

/** A plot file's bytes for its path: PNG (rendered at twice the size, on white) for .png, else the SVG. */
export function plotBytes(path: string, svg: string): string | Uint8Array {
  if (!/\.png$/i.test(path)) return svg;
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 } }).render().asPng();
}

/** The plot formats a --plot path may end with. */
export const PLOT_EXTENSIONS = ['.svg', '.png'] as const;

export interface ScatterOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Draw y = x and the +-10% band. */
  identity?: boolean;
}

export async function scatterSvg(x: ArrayLike<number>, y: ArrayLike<number>, opts: ScatterOptions): Promise<string> {
  if (x.length !== y.length) throw new Error('scatter: x and y differ in length');
  const points = Array.from({ length: x.length }, (_, i) => ({ x: x[i], y: y[i] }));
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.x, p.y);
    hi = Math.max(hi, p.x, p.y);
  }
  const layers: object[] = [
    {
      data: { values: points },
      mark: { type: 'circle', size: 6, opacity: 0.35, clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: opts.xLabel, scale: { domain: [lo, hi] } },
        y: { field: 'y', type: 'quantitative', title: opts.yLabel, scale: { domain: [lo, hi] } },
      },
    },
  ];
  if (opts.identity) {
    const line = (k: number, dash: number[]) => ({
      data: { values: [{ x: lo, y: lo * k }, { x: hi, y: hi * k }] },
      mark: { type: 'line', color: '#d62728', strokeDash: dash, strokeWidth: 1, clip: true },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
    layers.push(line(1, []), line(1.1, [4, 3]), line(0.9, [4, 3]));
  }
  const title = opts.identity ? { text: opts.title, subtitle: 'solid line: prediction = measurement; dashed lines: +-10% of the measurement' } : opts.title;
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, width: 420, height: 420, layer: layers };
  return renderSvg(spec);
}

export async function renderSvg(vlSpec: object): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(vlSpec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export interface Curve {
  name: string;
  mean: ArrayLike<number>;
  se?: ArrayLike<number>;
}

/** Mean curves with a +-1 standard-error band, x = 1..n. */
export async function curvesSvg(curves: Curve[], opts: { title: string; xLabel: string; yLabel: string }): Promise<string> {
  const rows: { x: number; y: number; lo: number; hi: number; series: string }[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves) {
    for (let i = 0; i < c.mean.length; i++) {
      // steps without a value (results of older releases whose budget went to low-fidelity runs first) are not drawn
      if (!Number.isFinite(c.mean[i])) continue;
      const se = c.se ? c.se[i] : 0;
      rows.push({ x: i + 1, y: c.mean[i], lo: c.mean[i] - se, hi: c.mean[i] + se, series: c.name });
      lo = Math.min(lo, c.mean[i] - se);
      hi = Math.max(hi, c.mean[i] + se);
    }
  }
  // zoom on the interesting part: the upper range of the curves
  const floor = Math.max(lo, hi - Math.max(4, (hi - lo) * 0.5));
  const top = hi + (hi - floor) * 0.03; // a curve at the maximum stays visible, not half clipped
  // no label limit: without a canvas vega estimates a text's width as 0.8 x its font size a character,
  // so a 51-character result label overran a 400 px limit while resvg draws it about 270 px wide
  const legend = { orient: 'bottom-right', labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, symbolFillOpacity: 1, symbolStrokeOpacity: 1 };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: opts.title, subtitle: curves.some((c) => c.se) ? 'lines: the mean over runs; shaded bands: +-1 standard error of the mean' : 'lines: the mean over runs' },
    width: 480,
    height: 320,
    data: { values: rows.filter((r) => r.hi >= floor) },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xLabel, scale: { domain: [1, Math.max(2, ...curves.map((c) => c.mean.length))], nice: false } },
    },
    // clip: the y axis is zoomed, so the early part of a curve lies below it and must not be drawn
    // over the tick labels; the legend comes from the lines alone, so its swatches have their colour
    // (both layers feed one merged legend, so both state the symbol; the band's opacity would win)
    layer: [
      {
        mark: { type: 'area', opacity: 0.2, clip: true },
        encoding: { y: { field: 'lo', type: 'quantitative', title: opts.yLabel, scale: { domain: [floor, top], zero: false, nice: false } }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal', title: null, legend } },
      },
      {
        mark: { type: 'line', strokeWidth: 1.5, clip: true },
        encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal', title: null, legend } },
      },
    ],
  };
  return renderSvg(spec);
}

export interface Bar {
  /** Position on the x axis (e.g. a device). */
  group: string;
  /** Bars within a group (e.g. a predictor); one colour each. */
  series: string;
  value: number;
}

/** Grouped bar charts, one panel per metric, stacked vertically and sharing the groups. */
export async function groupedBarsSvg(panels: { title: string; bars: Bar[]; domain?: [number, number] }[], opts: { title: string }): Promise<string> {
  if (!panels.length) throw new Error('bars: no panels');
  const groups = [...new Set(panels.flatMap((p) => p.bars.map((b) => b.group)))];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: opts.title,
    vconcat: panels.map((p) => ({
      width: Math.max(240, groups.length * 44),
      height: 180,
      data: { values: p.bars },
      mark: { type: 'bar', clip: true },
      encoding: {
        x: { field: 'group', type: 'nominal', title: null, sort: groups, axis: { labelAngle: -40, labelLimit: 400 } },
        xOffset: { field: 'series', type: 'nominal' },
        y: { field: 'value', type: 'quantitative', title: p.title, scale: p.domain ? { domain: p.domain, clamp: true } : { zero: false } },
        color: { field: 'series', type: 'nominal', title: null },
      },
    })),
  };
  return renderSvg(spec);
}

/** Accuracy against latency of every trained candidate, the Pareto front drawn as a step line. */
export async function paretoSvg(points: { latency_ms: number; accuracy: number; source: string }[], front: { latency_ms: number; accuracy: number }[], opts: { title: string; limitMs?: number | null; xLabel?: string }): Promise<string> {
  // where the x axis is a latency, the colours say where each came from (measured, predicted);
  // over MFLOPs there is nothing to tell apart
  const sources = new Set(points.map((p) => p.source));
  const colour = sources.has('flops') ? {} : { color: { field: 'source', type: 'nominal', title: 'latency from' } };
  const layers: object[] = [
    {
      data: { values: points },
      mark: { type: 'circle', size: 30, opacity: 0.5 },
      encoding: {
        x: { field: 'latency_ms', type: 'quantitative', title: opts.xLabel ?? 'latency (ms)', scale: { zero: false } },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false } },
        ...colour,
      },
    },
    {
      data: { values: front },
      mark: { type: 'line', interpolate: 'step-after', color: '#d62728', point: { color: '#d62728', size: 40 } },
      encoding: { x: { field: 'latency_ms', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } },
    },
  ];
  if (opts.limitMs) layers.push({ data: { values: [{ x: opts.limitMs }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { x: { field: 'x', type: 'quantitative' } } });
  const subtitle = `dots: every trained model; red steps: the Pareto front (no model both ${sources.has('flops') ? 'smaller' : 'faster'} and more accurate)${opts.limitMs ? '; dashed: the latency limit' : ''}`;
  return renderSvg({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: { text: opts.title, subtitle }, width: 480, height: 320, layer: layers });
}
