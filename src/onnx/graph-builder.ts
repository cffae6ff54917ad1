// Building ONNX models in memory (onnx-proto): a graph builder with the layers the search spaces'
// networks use, deterministic seeded weights (latency does not depend on their values), a trainable
// parameter count kept as the graph grows, and serialisation to model bytes.

import onnxProto from 'onnx-proto';
import type { onnx as O } from 'onnx-proto';
import { Rng } from '../util/rng.js';

export interface OnnxNetwork {
  bytes: Uint8Array;
  /** Trainable parameters (conv weights, BN scale and bias, classifier), as the benchmark counts them. */
  params: number;
  inputName: string;
  outputName: string;
  inputShape: number[];
  outputShape: number[];
}

const OPSET = 13;
// onnx-proto is CommonJS: take the namespace from its default export.
const { onnx } = onnxProto;

export class GraphBuilder {
  nodes: O.INodeProto[] = [];
  inits: O.ITensorProto[] = [];
  params = 0;
  private n = 0;
  constructor(readonly rng: Rng) {}

  name(prefix: string): string {
    return `${prefix}_${this.n++}`;
  }

  init(prefix: string, dims: number[], fill: (i: number) => number, trainable: boolean): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = fill(i);
    const name = this.name(prefix);
    this.inits.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
    if (trainable) this.params += size;
    return name;
  }

  node(op: string, inputs: string[], attrs: O.IAttributeProto[] = []): string {
    const out = this.name(op.toLowerCase());
    this.nodes.push({ opType: op, input: inputs, output: [out], attribute: attrs, name: out });
    return out;
  }

  conv(x: string, cin: number, cout: number, k: number, stride: number, pad: number): string {
    const bound = 1 / Math.sqrt(cin * k * k);
    const w = this.init('w', [cout, cin, k, k], () => (this.rng.float() * 2 - 1) * bound, true);
    return this.node('Conv', [x, w], [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad])]);
  }

  bn(x: string, c: number): string {
    const scale = this.init('bn_scale', [c], () => 1, true);
    const bias = this.init('bn_bias', [c], () => 0, true);
    const mean = this.init('bn_mean', [c], () => 0, false);
    const variance = this.init('bn_var', [c], () => 1, false);
    return this.node('BatchNormalization', [x, scale, bias, mean, variance], [float('epsilon', 1e-5)]);
  }

  /** NB201 ReLUConvBN. */
  reluConvBn(x: string, cin: number, cout: number, k: number, stride: number, pad: number): string {
    return this.bn(this.conv(this.node('Relu', [x]), cin, cout, k, stride, pad), cout);
  }

  /** A grouped and/or dilated convolution without bias (depthwise when groups = cin). */
  convGrouped(x: string, cin: number, cout: number, k: number, stride: number, pad: number, groups: number, dilation = 1): string {
    const bound = 1 / Math.sqrt((cin / groups) * k * k);
    const w = this.init('w', [cout, cin / groups, k, k], () => (this.rng.float() * 2 - 1) * bound, true);
    return this.node('Conv', [x, w], [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad]), ints('dilations', [dilation, dilation]), int('group', groups)]);
  }

  /** x[:, :, from:, from:] (NCHW). */
  sliceSpatial(x: string, from: number): string {
    const starts = this.constI64('starts', [from, from]);
    const ends = this.constI64('ends', [2 ** 31 - 1, 2 ** 31 - 1]);
    const axes = this.constI64('axes', [2, 3]);
    return this.node('Slice', [x, starts, ends, axes]);
  }

  /** Conv (no bias) - BN - ReLU, "same" padding (NB101's conv_bn_relu). */
  convBnRelu(x: string, cin: number, cout: number, k: number): string {
    return this.node('Relu', [this.bn(this.conv(x, cin, cout, k, 1, (k - 1) / 2), cout)]);
  }

  maxPool(x: string, k: number, stride: number, pad: number): string {
    return this.node('MaxPool', [x], [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad])]);
  }

  /** The first `channels` channels of x (NCHW). */
  sliceChannels(x: string, channels: number): string {
    const starts = this.constI64('starts', [0]);
    const ends = this.constI64('ends', [channels]);
    const axes = this.constI64('axes', [1]);
    return this.node('Slice', [x, starts, ends, axes]);
  }

  concat(xs: string[], axis = 1): string {
    return xs.length === 1 ? xs[0] : this.node('Concat', xs, [int('axis', axis)]);
  }

  constI64(prefix: string, values: number[]): string {
    const name = this.name(prefix);
    this.inits.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
    return name;
  }

  sum(xs: string[]): string {
    return xs.reduce((acc, x) => this.node('Add', [acc, x]));
  }
}

export const ints = (name: string, v: number[]): O.IAttributeProto => ({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS });
export const int = (name: string, v: number): O.IAttributeProto => ({ name, i: v, type: onnx.AttributeProto.AttributeType.INT });
export const float = (name: string, v: number): O.IAttributeProto => ({ name, f: v, type: onnx.AttributeProto.AttributeType.FLOAT });


/** Serialise the graph: one float input, the given output, opset 13. */
export function finishModel(g: GraphBuilder, name: string, output: string, inputShape: number[], outputShape: number[]): OnnxNetwork {
  const tensorType = (shape: number[]): O.ITypeProto => ({ tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } });
  const model: O.IModelProto = {
    irVersion: 8,
    producerName: 'brp-nas',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name, node: g.nodes, initializer: g.inits, input: [{ name: 'input', type: tensorType(inputShape) }], output: [{ name: output, type: tensorType(outputShape) }] },
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), params: g.params, inputName: 'input', outputName: output, inputShape, outputShape };
}

/** A classifier head: global average pooling, flatten, a dense layer with bias. */
export function classifierHead(g: GraphBuilder, x: string, channels: number, classes: number): string {
  x = g.node('Flatten', [g.node('GlobalAveragePool', [x])]);
  const bound = 1 / Math.sqrt(channels);
  const fw = g.init('fc_w', [classes, channels], () => (g.rng.float() * 2 - 1) * bound, true);
  const fb = g.init('fc_b', [classes], () => (g.rng.float() * 2 - 1) * bound, true);
  return g.node('Gemm', [x, fw, fb], [int('transB', 1)]);
}

/**
 * A network from an ONNX file's bytes (a trained model, say), as the measuring code takes it: its
 * first input and output, symbolic dimensions (a dynamic batch) read as 1. Its parameter count is
 * not read (0).
 */
export function networkFromOnnxBytes(bytes: Uint8Array): OnnxNetwork {
  const model = onnx.ModelProto.decode(bytes);
  const dims = (v: O.IValueInfoProto | undefined) => (v?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : 1));
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const input = (model.graph?.input ?? []).find((i) => !inits.has(i.name));
  const output = model.graph?.output?.[0];
  if (!input?.name || !output?.name) throw new Error('the ONNX model has no input or no output');
  return { bytes, params: 0, inputName: input.name, outputName: output.name, inputShape: dims(input), outputShape: dims(output) };
}
