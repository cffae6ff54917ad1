// Cell drawings as SVG, written by hand rather than through vega: a cell is a small DAG, and a
// layered layout (columns by longest path from the inputs, edges that skip columns bent aside so
// they miss the nodes between) reads better than any chart. Each op has one colour per space (its
// place in the space's op list), named in a legend, so two drawings compare at a glance.

import type { CellDrawing } from '../spaces/space.js';
import { escapeMarkup } from '../util/escape.js';

const FONT = 12;
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b07aa1', '#9c755f', '#ff9da7', '#edc948', '#bab0ac'];
const COL_GAP = 120;
const ROW = 72;
const NODE_H = 28;

/** Width of a label in the default sans-serif at `size` px (an estimate: resvg measures no text for us). */
const textWidth = (s: string, size = FONT) => s.length * size * 0.62;
/** `c_{k-1}` as c with a subscript, anything else as plain text. */
function labelText(s: string): string {
  const m = /^(.*)_\{(.+)\}$/.exec(s);
  return m ? `${escapeMarkup(m[1])}<tspan dy="4" font-size="${FONT - 3}">${escapeMarkup(m[2])}</tspan>` : escapeMarkup(s);
}
const shownLabel = (s: string) => s.replace(/_\{(.+)\}$/, '$1');

export function opColour(ops: readonly string[], op: string | undefined): string {
  const i = op === undefined ? -1 : ops.indexOf(op);
  return i < 0 ? '#555555' : PALETTE[i % PALETTE.length];
}

interface Box {
  x: number;
  y: number;
  w: number;
}

interface Laid {
  svg: string[];
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/**
 * Columns by longest path from a node without inputs, outputs in the last column; and each edge as
 * the positions of its two nodes (checked: known nodes, in topological order).
 */
function layers(d: CellDrawing): { layer: number[]; edges: [number, number][] } {
  const at = new Map(d.nodes.map((n, i) => [n.id, i]));
  const layer = d.nodes.map(() => 0);
  const edges = d.edges.map((e) => {
    const f = at.get(e.from);
    const t = at.get(e.to);
    if (f === undefined || t === undefined) throw new Error(`cell drawing "${d.title}": an edge names an unknown node (${e.from} -> ${e.to})`);
    if (f >= t) throw new Error(`cell drawing "${d.title}": nodes must be in topological order (${e.from} -> ${e.to})`);
    return [f, t] as [number, number];
  });
  for (let t = 0; t < d.nodes.length; t++) for (const [f, to] of edges) if (to === t) layer[t] = Math.max(layer[t], layer[f] + 1);
  const last = Math.max(...layer);
  d.nodes.forEach((n, i) => n.role === 'output' && (layer[i] = last));
  return { layer, edges };
}

function layOut(d: CellDrawing, top: number): Laid {
  const { layer, edges } = layers(d);
  const widths = d.nodes.map((n) => Math.max(48, textWidth(shownLabel(n.label)) + 18));
  const cols = Math.max(...layer) + 1;
  const colW = Array.from({ length: cols }, (_, c) => Math.max(0, ...widths.filter((_, i) => layer[i] === c)));
  const colX: number[] = [];
  for (let c = 0, x = 0; c < cols; x += colW[c] + COL_GAP, c++) colX.push(x + colW[c] / 2);
  // within a column, nodes in the order of their inputs' mean height (fewer crossings), column by column
  const rowOf: number[] = d.nodes.map(() => 0);
  const boxes: Box[] = d.nodes.map(() => ({ x: 0, y: 0, w: 0 }));
  for (let c = 0; c < cols; c++) {
    const inCol = d.nodes.map((_, i) => i).filter((i) => layer[i] === c);
    const weight = (i: number) => {
      const ys = edges.filter(([, to]) => to === i).map(([from]) => rowOf[from]);
      return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
    };
    const sorted = c === 0 ? inCol : [...inCol].sort((a, b) => weight(a) - weight(b));
    sorted.forEach((i, k) => {
      rowOf[i] = k - (sorted.length - 1) / 2;
      boxes[i] = { x: colX[c], y: top + rowOf[i] * ROW, w: widths[i] };
    });
  }
  const svg: string[] = [];
  let minX = Math.min(...boxes.map((b) => b.x - b.w / 2));
  let maxX = Math.max(...boxes.map((b) => b.x + b.w / 2));
  let minY = Math.min(...boxes.map((b) => b.y - NODE_H / 2));
  let maxY = Math.max(...boxes.map((b) => b.y + NODE_H / 2));
  const labels: string[] = [];
  const placed: { x: number; y: number; w: number }[] = [];
  const trail: [number, number][] = [];
  for (const [k, e] of d.edges.entries()) {
    const [ia, ib] = edges[k];
    const a = boxes[ia];
    const b = boxes[ib];
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const labelW = e.op !== undefined ? textWidth(e.op + (e.dead ? ' (dead)' : ''), FONT - 1) : 0;
    // the bend (to either side) whose curve misses the other nodes and whose label misses the labels
    // placed so far, the least bent of those
    let best = { cost: Infinity, cx: 0, cy: 0 };
    for (const bend of [0, -30, 30, -55, 55, -80, 80, -110, 110, -140, 140]) {
      const cx = (a.x + b.x) / 2 + (-(b.y - a.y) / len) * bend;
      const cy = (a.y + b.y) / 2 + ((b.x - a.x) / len) * bend;
      let cost = Math.abs(bend) / 100;
      for (let t = 0.05; t < 0.96; t += 0.05) {
        const x = (1 - t) ** 2 * a.x + 2 * t * (1 - t) * cx + t * t * b.x;
        const y = (1 - t) ** 2 * a.y + 2 * t * (1 - t) * cy + t * t * b.y;
        boxes.forEach((o, k) => k !== ia && k !== ib && Math.abs(x - o.x) < o.w / 2 + 6 && Math.abs(y - o.y) < NODE_H / 2 + 6 && (cost += 10));
        // running along an edge already drawn (away from the shared ends) hides it
        if (t > 0.2 && t < 0.8) for (const [px, py] of trail) if (Math.abs(x - px) < 8 && Math.abs(y - py) < 8) cost += 0.3;
      }
      const mx = 0.25 * a.x + 0.5 * cx + 0.25 * b.x;
      const my = 0.25 * a.y + 0.5 * cy + 0.25 * b.y;
      if (labelW) for (const q of placed) if (Math.abs(mx - q.x) < (labelW + q.w) / 2 + 4 && Math.abs(my - q.y) < FONT + 2) cost += 5;
      if (cost < best.cost) best = { cost, cx, cy };
    }
    const { cx, cy } = best;
    for (let t = 0.05; t < 0.96; t += 0.05) trail.push([(1 - t) ** 2 * a.x + 2 * t * (1 - t) * cx + t * t * b.x, (1 - t) ** 2 * a.y + 2 * t * (1 - t) * cy + t * t * b.y]);
    // start and end where the curve leaves and enters the node boxes, so the arrowhead shows
    const clip = (p: Box) => {
      const dx = cx - p.x;
      const dy = cy - p.y;
      const t = Math.min(Math.abs(dx) > 1e-9 ? p.w / 2 / Math.abs(dx) : Infinity, Math.abs(dy) > 1e-9 ? NODE_H / 2 / Math.abs(dy) : Infinity);
      return [p.x + dx * t, p.y + dy * t];
    };
    const [x0, y0] = clip(a);
    const [x1, y1] = clip(b);
    const colour = opColour(d.ops, e.op);
    const style = e.dead ? ' stroke-dasharray="5 4" opacity="0.4"' : '';
    svg.push(`<path d="M${x0.toFixed(1)},${y0.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2" marker-end="url(#arrow-${colour.slice(1)})"${style}/>`);
    const mx = 0.25 * a.x + 0.5 * cx + 0.25 * b.x;
    const my = 0.25 * a.y + 0.5 * cy + 0.25 * b.y;
    minY = Math.min(minY, my - FONT);
    maxY = Math.max(maxY, my + FONT);
    if (e.op !== undefined) {
      const w = labelW;
      placed.push({ x: mx, y: my, w });
      minX = Math.min(minX, mx - w / 2);
      maxX = Math.max(maxX, mx + w / 2);
      labels.push(`<rect x="${(mx - w / 2 - 3).toFixed(1)}" y="${(my - 8).toFixed(1)}" width="${(w + 6).toFixed(1)}" height="15" rx="3" fill="white" fill-opacity="0.9"/>`);
      labels.push(`<text x="${mx.toFixed(1)}" y="${(my + 4).toFixed(1)}" text-anchor="middle" font-size="${FONT - 1}" fill="${colour}"${e.dead ? ' opacity="0.5"' : ''}>${escapeMarkup(e.op)}${e.dead ? ' (dead)' : ''}</text>`);
    }
  }
  svg.push(...labels);
  d.nodes.forEach((n, i) => {
    const b = boxes[i];
    const colour = n.op !== undefined ? opColour(d.ops, n.op) : '#333333';
    const fill = n.role === 'node' ? (n.op !== undefined ? colour : 'white') : '#e8e8e8';
    const fillOpacity = n.op !== undefined ? ' fill-opacity="0.18"' : '';
    svg.push(`<rect x="${(b.x - b.w / 2).toFixed(1)}" y="${(b.y - NODE_H / 2).toFixed(1)}" width="${b.w.toFixed(1)}" height="${NODE_H}" rx="${n.role === 'node' ? 14 : 4}" fill="${fill}"${fillOpacity} stroke="${colour}" stroke-width="1.5"/>`);
    svg.push(`<text x="${b.x.toFixed(1)}" y="${(b.y + 4).toFixed(1)}" text-anchor="middle" font-size="${FONT}" fill="#222">${labelText(n.label)}</text>`);
  });
  return { svg, minX, maxX, minY, maxY };
}

/**
 * An SVG of one or more cell drawings stacked top to bottom, each under its title, with a legend
 * of the ops they use.
 */
export function cellSvg(drawings: readonly CellDrawing[], opts: { title?: string } = {}): string {
  if (drawings.length === 0) throw new Error('cell drawing: nothing to draw');
  const body: string[] = [];
  const pad = 16;
  let y = pad + (opts.title ? 22 : 0);
  let width = 0;
  const used = new Map<string, string>();
  for (const d of drawings) {
    const l = layOut(d, 0);
    const titleY = y + FONT;
    const dy = titleY + 10 - l.minY;
    body.push(`<text x="${pad}" y="${titleY}" font-size="${FONT}" font-weight="bold" fill="#333">${escapeMarkup(d.title)}</text>`);
    body.push(`<g transform="translate(${(pad - l.minX).toFixed(1)},${dy.toFixed(1)})">`, ...l.svg, '</g>');
    width = Math.max(width, l.maxX - l.minX + 2 * pad);
    y = dy + l.maxY + pad;
    for (const e of d.edges) if (e.op !== undefined) used.set(e.op, opColour(d.ops, e.op));
    for (const n of d.nodes) if (n.op !== undefined) used.set(n.op, opColour(d.ops, n.op));
  }
  // the legend, wrapped to the drawing's width
  let lx = pad;
  let ly = y + 4;
  for (const [op, colour] of used) {
    const w = 16 + textWidth(op, FONT - 1) + 14;
    if (lx > pad && lx + w > Math.max(width, 360) - pad) {
      lx = pad;
      ly += 18;
    }
    body.push(`<rect x="${lx}" y="${ly}" width="12" height="12" rx="2" fill="${colour}"/><text x="${lx + 16}" y="${ly + 10}" font-size="${FONT - 1}" fill="#333">${escapeMarkup(op)}</text>`);
    lx += w;
  }
  const height = Math.ceil(ly + (used.size ? 18 : 0) + pad / 2);
  if (opts.title) width = Math.max(width, textWidth(opts.title, FONT + 1) + 2 * pad);
  width = Math.ceil(Math.max(width, used.size ? 360 : 0));
  const markers = [...new Set([...drawings.flatMap((d) => d.edges.map((e) => opColour(d.ops, e.op)))])].map(
    (c) => `<marker id="arrow-${c.slice(1)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="4.5" markerHeight="4.5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`,
  );
  const title = opts.title ? `<text x="${pad}" y="${pad + 12}" font-size="${FONT + 1}" fill="#111">${escapeMarkup(opts.title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif"><defs>${markers.join('')}</defs><rect width="100%" height="100%" fill="white"/>${title}${body.join('')}</svg>\n`;
}
