// The GCN's parameters: their layout in one contiguous block (body first: per layer the GC weight
// and bias and the LayerNorm gain and shift; then the head) and their initialisation.

import type { Rng } from '../util/rng.js';
import type { Kernels } from './kernels.js';

/** LayerNorm epsilon (PyTorch's default). */
export const LN_EPS = 1e-5;

/** What inference needs of a GCN: its kernels, configuration and parameter addresses. */
export interface GcnWeights {
  readonly k: Kernels;
  readonly cfg: GcnConfig;
  /** Byte offset of a parameter's values in the kernel heap. */
  ptr(name: string): number;
}

export interface GcnConfig {
  nodes: number;
  features: number;
  hidden: number;
  layers: number;
  dropout: number;
  /** Head: regression (Linear H->1) or binary relation (Linear 2H->2 + log-softmax). */
  head: 'regression' | 'binary';
}

export interface ParamInfo {
  name: string;
  shape: number[];
  /** Offset in floats from the start of the parameter block. */
  offset: number;
  size: number;
}

export interface ParamLayout {
  params: ParamInfo[];
  bodyParamCount: number;
  paramCount: number;
}

export function gcnParamLayout(cfg: GcnConfig): ParamLayout {
  const { features: F, hidden: H, layers: L } = cfg;
  const params: ParamInfo[] = [];
  let off = 0;
  const add = (name: string, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    params.push({ name, shape, offset: off, size });
    off += size;
  };
  for (let l = 0; l < L; l++) {
    add(`gc${l}.weight`, [l === 0 ? F : H, H]);
    add(`gc${l}.bias`, [H]);
    add(`ln${l}.weight`, [H]);
    add(`ln${l}.bias`, [H]);
  }
  const bodyParamCount = off;
  if (cfg.head === 'regression') {
    add('fc.weight', [H, 1]);
    add('fc.bias', [1]);
  } else {
    add('fc.weight', [2 * H, 2]);
    add('fc.bias', [2]);
  }
  return { params, bodyParamCount, paramCount: off };
}

function find(params: readonly ParamInfo[], name: string): ParamInfo {
  const p = params.find((x) => x.name === name);
  if (!p) throw new Error(`no parameter ${name}`);
  return p;
}

/**
 * The reference initialisation ('thomas') into P: GC weights and biases U(+-1/sqrt(H)) (1/sqrt of
 * the last dimension, i.e. of the output size, also for the first layer); LayerNorm gamma 1, beta 0;
 * the head as PyTorch nn.Linear, U(+-1/sqrt(fan_in)) for weight and bias.
 */
export function initGcnParams(P: Float32Array, params: readonly ParamInfo[], rng: Rng, bodyInit: 'thomas' | 'torch-linear' = 'thomas'): void {
  for (const info of params) {
    const [layer, kind] = info.name.split('.');
    if (layer.startsWith('gc')) {
      // thomas: 1/sqrt(last dim) for weight and bias; torch-linear (the MLP baseline): 1/sqrt(fan_in)
      const fanIn = find(params, `${layer}.weight`).shape[0];
      const bound = bodyInit === 'thomas' ? 1 / Math.sqrt(info.shape[info.shape.length - 1]) : 1 / Math.sqrt(fanIn);
      for (let i = 0; i < info.size; i++) P[info.offset + i] = (rng.float() * 2 - 1) * bound;
    } else if (layer.startsWith('ln')) {
      P.fill(kind === 'weight' ? 1 : 0, info.offset, info.offset + info.size);
    }
  }
  resetHeadParams(P, params, rng);
}

/** Re-initialise the head as PyTorch does (used for transfer from another predictor). */
export function resetHeadParams(P: Float32Array, params: readonly ParamInfo[], rng: Rng): void {
  const w = find(params, 'fc.weight');
  const b = find(params, 'fc.bias');
  const bound = 1 / Math.sqrt(w.shape[0]);
  for (let i = 0; i < w.size; i++) P[w.offset + i] = (rng.float() * 2 - 1) * bound;
  for (let i = 0; i < b.size; i++) P[b.offset + i] = (rng.float() * 2 - 1) * bound;
}
