// Predictor artifacts: one versioned file holding a JSON header and the float32 parameters.
//   bytes 0-7   magic "BRPNASP\x01"
//   bytes 8-11  header length (uint32 LE), then the UTF-8 JSON header, zero-padded to 4 bytes
//   then        paramCount float32 values (little-endian)

export const ARTIFACT_MAGIC = 'BRPNASP\x01';
export const ARTIFACT_VERSION = 1;

export interface ArtifactHeader {
  format: 'brp-nas-predictor';
  version: number;
  /** What the file holds, e.g. 'latency-gcn', 'latency-mlp', 'latency-flops', 'latency-layerwise'. */
  kind: string;
  space: 'nb201';
  paramCount: number;
  [key: string]: unknown;
}

export function encodeArtifact(header: Omit<ArtifactHeader, 'format' | 'version' | 'paramCount'>, params: Float32Array = new Float32Array(0)): Uint8Array {
  const full: ArtifactHeader = { format: 'brp-nas-predictor', version: ARTIFACT_VERSION, paramCount: params.length, ...header } as ArtifactHeader;
  const json = Buffer.from(JSON.stringify(full), 'utf8');
  const headerLen = Math.ceil(json.length / 4) * 4;
  const out = new Uint8Array(12 + headerLen + params.length * 4);
  out.set(Buffer.from(ARTIFACT_MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, headerLen, true);
  out.set(json, 12);
  out.fill(0x20, 12 + json.length, 12 + headerLen); // pad with spaces (valid JSON whitespace)
  const dv = new DataView(out.buffer, 12 + headerLen);
  for (let i = 0; i < params.length; i++) dv.setFloat32(i * 4, params[i], true);
  return out;
}

export function decodeArtifact(bytes: Uint8Array, source = 'artifact'): { header: ArtifactHeader; params: Float32Array } {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== ARTIFACT_MAGIC) {
    throw new Error(`${source}: not a brp-nas predictor file (bad magic)`);
  }
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + headerLen > bytes.length) throw new Error(`${source}: truncated header`);
  let header: ArtifactHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLen)).toString('utf8'));
  } catch (e) {
    throw new Error(`${source}: malformed header: ${(e as Error).message}`);
  }
  if (header.format !== 'brp-nas-predictor') throw new Error(`${source}: unknown format ${JSON.stringify(header.format)}`);
  if (header.version !== ARTIFACT_VERSION) throw new Error(`${source}: artifact version ${header.version} is not supported (expected ${ARTIFACT_VERSION})`);
  const n = header.paramCount;
  if (!Number.isInteger(n) || n < 0) throw new Error(`${source}: bad parameter count ${n}`);
  const start = 12 + headerLen;
  if (bytes.length !== start + n * 4) throw new Error(`${source}: expected ${n} parameters (${start + n * 4} bytes), file has ${bytes.length} bytes`);
  const params = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, n * 4);
  for (let i = 0; i < n; i++) {
    params[i] = dv.getFloat32(i * 4, true);
    if (!Number.isFinite(params[i])) throw new Error(`${source}: parameter ${i} is not finite`);
  }
  return { header, params };
}
