// LatBench: NAS-Bench-201 latencies (seconds, batch 1) per device, as pickled dicts
// {arch_vector tuple: seconds}. Entries keep the file's insertion order (the measurement order),
// as the reference dataset class does.

import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isValid, vectorToCode, vectorToTupleString } from '../spaces/nb201/cell.js';
import { PyDict, PyTuple, unpickle } from './pickle.js';
import type { LatencyDataset } from './latency-dataset.js';

export type { LatencyDataset } from './latency-dataset.js';
import { DataError } from '../util/errors.js';

export const LATBENCH_DIR = 'latbench';

/** The official LatBench names (with their typos) of the files in our data folder. */
export const LATBENCH_ALIASES: Record<string, string> = {
  'desktop-cpu-core-i7-7820x-fp32': 'desktop-cpu-core-i7-7820x-fp32',
  'desktop-gpu-gtx-1080-ti-fp32': 'desktop-gpu-gtx-1080ti-fp32',
  'embedded-gpu-jetson-nono-fp16': 'embedded-gpu-jetson-nano-fp16',
  'embedded-gpu-jetson-nono-fp32': 'embedded-gpu-jetson-nano-fp32',
  'embeeded-tpu-edgetpu-int8': 'embedded-tpu-edge-tpu-int8',
  'mobile-cpu-snapdragon-450-contex-a53-int8': 'mobile-cpu-snapdragon-450-cortex-a53-int8',
  'mobile-gpu-snapdragon-675-adren0-612-int8': 'mobile-gpu-snapdragon-675-adreno-612-int8',
  'mobile-gpu-snapdragon-855-adren0-640-int8': 'mobile-gpu-snapdragon-855-adreno-640-int8',
};

/** Decode a LatBench pickle, checking every key and value. */
export function parseLatBench(bytes: Uint8Array, source: string, device = deviceNameOf(source)): LatencyDataset {
  const obj = unpickle(bytes, source);
  if (!(obj instanceof PyDict)) throw new DataError(`${source}: a LatBench file must hold a dict {arch tuple: seconds}`);
  const codes = new Int32Array(obj.size);
  const seconds = new Float64Array(obj.size);
  let i = 0;
  for (const [k, v] of obj.entries()) {
    if (!(k instanceof PyTuple) || k.items.length !== 6 || !k.items.every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 4)) {
      throw new DataError(`${source}: entry ${i} has key ${String(k instanceof PyTuple ? `(${k.items.join(', ')})` : k)}, not a 6-tuple of op ids 0..4`);
    }
    const vec = k.items as number[];
    if (!isValid(vec)) throw new DataError(`${source}: entry ${i} ${vectorToTupleString(vec)} is a disconnected (invalid) cell`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new DataError(`${source}: entry ${i} ${vectorToTupleString(vec)} has latency ${String(v)}; expected a positive finite number of seconds`);
    codes[i] = vectorToCode(vec);
    seconds[i] = v;
    i++;
  }
  if (i === 0) throw new DataError(`${source}: no latencies`);
  return { device, source, codes, seconds };
}

export function deviceNameOf(path: string): string {
  return basename(path).replace(/\.(pickle|pkl)$/, '');
}

/** Device names of the LatBench files present in the data directory, sorted. */
export function listLatBenchDevices(dataDir: string): string[] {
  const dir = join(dataDir, LATBENCH_DIR);
  if (!existsSync(dir)) throw new DataError(`missing LatBench folder ${dir}; pass --data DIR or set $BRPNAS_DATA`);
  return readdirSync(dir)
    .filter((f) => /\.(pickle|pkl)$/.test(f))
    .map(deviceNameOf)
    .sort();
}

/**
 * Resolve a device given as a file path, a device name (file name without extension), an official
 * LatBench name, or an unambiguous part of a name (e.g. "855-adreno").
 */
export function resolveLatBenchDevice(spec: string, dataDir: string): string {
  if (existsSync(spec) && /\.(pickle|pkl|jsonl)$/.test(spec)) return spec;
  const devices = listLatBenchDevices(dataDir);
  const name = LATBENCH_ALIASES[spec] ?? spec;
  if (devices.includes(name)) return join(dataDir, LATBENCH_DIR, `${name}.pickle`);
  const hits = devices.filter((d) => d.includes(spec));
  if (hits.length === 1) return join(dataDir, LATBENCH_DIR, `${hits[0]}.pickle`);
  if (hits.length > 1) throw new DataError(`device ${JSON.stringify(spec)} is ambiguous: ${hits.join(', ')}`);
  throw new DataError(`unknown device ${JSON.stringify(spec)}: not a file and not one of ${devices.join(', ')}`);
}
