// What a trainer reports: its last line of stdout is one JSON object with `accuracy` (required,
// finite, higher is better), optional `latency_ms` (finite, > 0) and any other metrics (finite
// numbers, strings or booleans). Anything else is a malformed result, said in words.

import { resolve } from 'node:path';

export interface TrainerResult {
  accuracy: number;
  latency_ms?: number;
  /** Every other field the trainer printed. */
  metrics: Record<string, number | string | boolean>;
}

export class MalformedResultError extends Error {}

/** The last non-empty line of `stdout`, parsed and checked. */
export function parseTrainerOutput(stdout: string): TrainerResult {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) throw new MalformedResultError('the trainer printed nothing on stdout (its last line must be a JSON object with "accuracy")');
  const last = lines[lines.length - 1];
  let obj: unknown;
  try {
    obj = JSON.parse(last);
  } catch {
    throw new MalformedResultError(`the last line of stdout is not JSON: ${JSON.stringify(last.slice(0, 200))}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new MalformedResultError(`the last line of stdout is not a JSON object: ${JSON.stringify(last.slice(0, 200))}`);
  const o = obj as Record<string, unknown>;
  if (typeof o.accuracy !== 'number' || !Number.isFinite(o.accuracy)) throw new MalformedResultError(`"accuracy" must be a finite number, got ${JSON.stringify(o.accuracy) ?? 'nothing'}`);
  const out: TrainerResult = { accuracy: o.accuracy, metrics: {} };
  if (o.latency_ms !== undefined && o.latency_ms !== null) {
    if (typeof o.latency_ms !== 'number' || !Number.isFinite(o.latency_ms) || o.latency_ms <= 0) throw new MalformedResultError(`"latency_ms" must be a finite positive number, got ${JSON.stringify(o.latency_ms)}`);
    out.latency_ms = o.latency_ms;
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === 'accuracy' || k === 'latency_ms') continue;
    if (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' || typeof v === 'boolean') out.metrics[k] = v as number | string | boolean;
    else throw new MalformedResultError(`metric ${JSON.stringify(k)} must be a finite number, a string or a boolean, got ${JSON.stringify(v)}`);
  }
  return out;
}

/**
 * The trained network a result names (`onnx`: absolute, or relative to the candidate's {out}), or
 * undefined when it names none. Whether the file exists is the caller's question.
 */
export function resultOnnxPath(metrics: TrainerResult['metrics'], outDir: string): string | undefined {
  const onnx = metrics.onnx;
  return typeof onnx === 'string' ? resolve(outDir, onnx) : undefined;
}
