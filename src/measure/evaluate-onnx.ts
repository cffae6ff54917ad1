// The accuracy of a delivered network on an image set, computed here with onnxruntime-node, so a
// user can check the file they deploy, not the trainer's word. The contract of a delivered model: one
// float32 input [batch, channels, height, width] with pixels scaled to [0, 1] (any normalisation is
// inside the model), one output of class scores [batch, classes]; the class is the highest score.

import ort from 'onnxruntime-node';
import type { ImageSet } from '../data/idx.js';
import { DataError } from '../util/errors.js';
import { throwIfStopped, type StopSignal } from '../util/stop.js';

export interface Evaluation {
  accuracy: number;
  correct: number;
  count: number;
  /** The batch size the model was run with (its input's fixed batch, else the one asked for). */
  batch: number;
  seconds: number;
}

/** A tensor's dimensions as onnxruntime reports them: numbers, or names of symbolic dimensions. */
export type TensorDims = readonly (number | string)[];

/**
 * The batch size to run: the model's fixed batch dimension (`fixed`), or `wanted` where it is
 * symbolic. Throws when the model's input or output does not fit the images.
 */
export function checkModelFits(input: { type?: string; shape?: TensorDims } | undefined, output: { shape?: TensorDims } | undefined, set: Pick<ImageSet, 'name' | 'shape' | 'classes'>, source: string, wanted: number): { batch: number; fixed: boolean } {
  const want = `float32 [batch, ${set.shape.join(', ')}]`;
  if (!input) throw new DataError(`${source}: the model has no input`);
  if (input.type !== undefined && input.type !== 'float32') throw new DataError(`${source}: the model's input is ${input.type}, not ${want} (${set.name})`);
  const shape = input.shape;
  if (shape) {
    const fits = shape.length === 4 && shape.slice(1).every((d, i) => typeof d !== 'number' || d === set.shape[i]);
    if (!fits) throw new DataError(`${source}: the model's input is [${shape.join(', ')}]; ${set.name} images need ${want}`);
  }
  const classes = output?.shape?.[1];
  if (output?.shape && (output.shape.length !== 2 || (typeof classes === 'number' && classes !== set.classes))) throw new DataError(`${source}: the model's output is [${output.shape.join(', ')}]; ${set.name} needs class scores [batch, ${set.classes}]`);
  const b = shape?.[0];
  return typeof b === 'number' && b > 0 ? { batch: b, fixed: true } : { batch: wanted, fixed: false };
}

/** Run the model over the whole set in batches; the images' bytes become floats in [0, 1]. */
export async function evaluateOnnx(modelBytes: Uint8Array, set: ImageSet, source: string, opts: { batch?: number; threads?: number; signal?: StopSignal } = {}): Promise<Evaluation> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, { intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new DataError(`${source}: not an ONNX model onnxruntime can load (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    const meta = (session as unknown as { inputMetadata?: { name: string; type?: string; shape?: TensorDims }[]; outputMetadata?: { name: string; shape?: TensorDims }[] });
    const { batch, fixed } = checkModelFits(meta.inputMetadata?.[0], meta.outputMetadata?.[0], set, source, opts.batch ?? 256);
    const [c, h, w] = set.shape;
    const per = c * h * w;
    const t0 = performance.now();
    let correct = 0;
    for (let start = 0; start < set.count; start += batch) {
      throwIfStopped(opts.signal);
      const n = Math.min(batch, set.count - start);
      // a fixed batch dimension is filled up with zeros past the end of the set
      const rows = fixed ? batch : n;
      const x = new Float32Array(rows * per);
      for (let i = 0; i < n * per; i++) x[i] = set.images[start * per + i] / 255;
      let out: ort.InferenceSession.OnnxValueMapType;
      try {
        out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [rows, c, h, w]) });
      } catch (e) {
        throw new DataError(`${source}: the model failed on ${set.name} images (${(e as Error).message.split('\n')[0]})`);
      }
      const scores = out[session.outputNames[0]] as ort.Tensor;
      const k = scores.dims[1];
      if (scores.dims.length !== 2 || k !== set.classes) throw new DataError(`${source}: the model's output is [${scores.dims.join(', ')}]; ${set.name} needs class scores [batch, ${set.classes}]`);
      const s = scores.data as Float32Array;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (s[i * k + j] > s[i * k + best]) best = j;
        if (!Number.isFinite(s[i * k + best])) throw new DataError(`${source}: the model's scores for image ${start + i} are not finite`);
        if (best === set.labels[start + i]) correct++;
      }
    }
    return { accuracy: (100 * correct) / set.count, correct, count: set.count, batch, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await session.release();
  }
}
