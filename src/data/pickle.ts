// A small Python pickle reader (protocols 2-5) for the benchmark files: builtin containers and
// scalars, plus the three numpy globals those files use (scalar, dtype, ndarray via _reconstruct).
// It never executes anything: an unknown global or opcode is an error naming it and its offset.

export class PickleError extends Error {
  constructor(message: string, readonly source?: string) {
    super(source ? `${source}: ${message}` : message);
    this.name = 'PickleError';
  }
}

/** A Python tuple (distinguished from a list, which becomes a plain JS array). */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/** A Python dict in insertion order; keys may be tuples, so lookups go through `keyString`. */
export class PyDict {
  readonly keys: unknown[] = [];
  readonly values: unknown[] = [];
  private index = new Map<string, number>();
  set(key: unknown, value: unknown): void {
    const ks = keyString(key);
    const at = this.index.get(ks);
    if (at === undefined) {
      this.index.set(ks, this.keys.length);
      this.keys.push(key);
      this.values.push(value);
    } else {
      this.values[at] = value;
    }
  }
  get(key: unknown): unknown {
    const at = this.index.get(keyString(key));
    return at === undefined ? undefined : this.values[at];
  }
  has(key: unknown): boolean {
    return this.index.has(keyString(key));
  }
  get size(): number {
    return this.keys.length;
  }
  *entries(): Generator<[unknown, unknown]> {
    for (let i = 0; i < this.keys.length; i++) yield [this.keys[i], this.values[i]];
  }
}

/** A canonical string for a hashable Python value (used as a Map key). */
export function keyString(k: unknown): string {
  if (k instanceof PyTuple) return `(${k.items.map(keyString).join(',')})`;
  if (typeof k === 'string') return JSON.stringify(k);
  if (typeof k === 'bigint') return `${k}n`;
  if (k === null) return 'None';
  if (k instanceof Uint8Array) return `b${Buffer.from(k).toString('hex')}`;
  return String(k);
}

export type NpTypedArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

export class NpDtype {
  byteOrder: '<' | '>' | '|' | '=' = '=';
  constructor(readonly code: string) {}
  get kind(): string {
    return this.code[0];
  }
  get itemSize(): number {
    const n = Number(this.code.slice(1));
    if (!Number.isInteger(n) || n <= 0) throw new PickleError(`unsupported numpy dtype ${JSON.stringify(this.code)}`);
    return n;
  }
}

/** A numpy array: dtype, shape and a flat typed array (int64/uint64 become exact Float64 values). */
export class NpArray {
  shape: number[] = [];
  dtype: NpDtype | null = null;
  data: NpTypedArray | Float64Array = new Float64Array(0);
  fortranOrder = false;
}

class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

const NUMPY_SCALAR = new Set(['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar']);
const NUMPY_DTYPE = new Set(['numpy.dtype']);
const NUMPY_RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const NUMPY_NDARRAY = new Set(['numpy.ndarray']);

function decodeNumeric(dtype: NpDtype, bytes: Uint8Array, source?: string): NpTypedArray | Float64Array {
  const little = dtype.byteOrder !== '>';
  const size = dtype.itemSize;
  if (bytes.length % size !== 0) throw new PickleError(`numpy payload of ${bytes.length} bytes is not a multiple of ${size} (dtype ${dtype.code})`, source);
  const n = bytes.length / size;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const key = dtype.kind + size;
  const read = (out: { [i: number]: number }, get: (o: number) => number) => {
    for (let i = 0; i < n; i++) out[i] = get(i * size);
  };
  switch (key) {
    case 'f8': { const o = new Float64Array(n); read(o, (p) => dv.getFloat64(p, little)); return o; }
    case 'f4': { const o = new Float32Array(n); read(o, (p) => dv.getFloat32(p, little)); return o; }
    case 'i4': { const o = new Int32Array(n); read(o, (p) => dv.getInt32(p, little)); return o; }
    case 'i2': { const o = new Int16Array(n); read(o, (p) => dv.getInt16(p, little)); return o; }
    case 'i1': { const o = new Int8Array(n); read(o, (p) => dv.getInt8(p)); return o; }
    case 'u1': case 'b1': { const o = new Uint8Array(n); read(o, (p) => dv.getUint8(p)); return o; }
    case 'u2': { const o = new Uint16Array(n); read(o, (p) => dv.getUint16(p, little)); return o; }
    case 'u4': { const o = new Uint32Array(n); read(o, (p) => dv.getUint32(p, little)); return o; }
    case 'i8': case 'u8': {
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const b = key === 'i8' ? dv.getBigInt64(i * 8, little) : dv.getBigUint64(i * 8, little);
        if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`numpy ${key} value ${b} does not fit a double exactly`, source);
        o[i] = Number(b);
      }
      return o;
    }
    default:
      throw new PickleError(`unsupported numpy dtype ${JSON.stringify(dtype.code)}`, source);
  }
}

/**
 * Parse a pickle. `source` (a file name) is put in front of every error message.
 */
export function unpickle(bytes: Uint8Array, source?: string): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const fail = (msg: string): never => {
    throw new PickleError(`${msg} (at byte ${pos} of ${bytes.length})`, source);
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`truncated pickle: needs ${n} more bytes`);
  };
  const u8 = () => { need(1); return bytes[pos++]; };
  const u16 = () => { need(2); const v = dv.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4); const v = dv.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = dv.getInt32(pos, true); pos += 4; return v; };
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length - pos)) fail(`truncated pickle: a length of ${v} bytes exceeds the ${bytes.length - pos} bytes left`);
    return Number(v);
  };
  const take = (n: number) => { need(n); const s = bytes.subarray(pos, pos + n); pos += n; return s; };
  // Every file we read is a binary pickle (protocol 2-5), which starts with PROTO (0x80). Text (a
  // CSV, JSON, a protocol-0 pickle) would otherwise be decoded as opcodes into a baffling error.
  if (bytes.length === 0) fail('empty file: not a pickle');
  if (bytes[0] !== 0x80) {
    const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 40)).replace(/[^\x20-\x7e]/g, '.');
    const looksText = bytes.subarray(0, 64).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
    fail(`not a binary pickle (protocol 2 or later): it starts with ${looksText ? `the text "${head}"` : `byte 0x${bytes[0].toString(16).padStart(2, '0')}`}`);
  }
  const str = (n: number) => {
    try {
      return dec.decode(take(n));
    } catch (e) {
      if (e instanceof PickleError) throw e;
      return fail('invalid UTF-8 in string');
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('truncated pickle: unterminated text line');
    const s = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1])) fail('stack underflow');
    return stack.pop();
  };
  const popMark = () => {
    if (!marks.length) fail('MARK expected');
    const m = marks.pop()!;
    return stack.splice(m);
  };
  const top = () => {
    if (!stack.length) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) fail(`memo key ${i} not found`);
    return memo.get(i);
  };
  const reduce = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PyGlobal)) return fail('REDUCE on a non-callable');
    if (!(args instanceof PyTuple)) return fail(`REDUCE arguments for ${fn.qualified} are not a tuple`);
    const q = fn.qualified;
    if (q === '_codecs.encode') {
      // Protocol-2 pickles of bytes objects: _codecs.encode(text, 'latin1').
      const [text, enc] = args.items;
      if (typeof text !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) fail('unsupported _codecs.encode arguments');
      return Uint8Array.from(text as string, (ch) => ch.charCodeAt(0));
    }
    if (NUMPY_DTYPE.has(q)) {
      const code = args.items[0];
      if (typeof code !== 'string') fail('numpy dtype code must be a string');
      return new NpDtype(code as string);
    }
    if (NUMPY_SCALAR.has(q)) {
      const [dt, raw] = args.items;
      if (!(dt instanceof NpDtype) || !(raw instanceof Uint8Array)) fail('numpy scalar needs (dtype, bytes)');
      const arr = decodeNumeric(dt as NpDtype, raw as Uint8Array, source);
      if (arr.length !== 1) fail(`numpy scalar payload holds ${arr.length} values`);
      return arr[0];
    }
    if (NUMPY_RECONSTRUCT.has(q)) {
      const cls = args.items[0];
      if (!(cls instanceof PyGlobal) || !NUMPY_NDARRAY.has(cls.qualified)) fail('numpy _reconstruct of something other than ndarray');
      return new NpArray();
    }
    return fail(`unsupported pickle global ${q}`);
  };
  const build = (obj: unknown, state: unknown): void => {
    if (obj instanceof NpDtype) {
      if (!(state instanceof PyTuple) || typeof state.items[1] !== 'string') fail('bad numpy dtype state');
      obj.byteOrder = (state as PyTuple).items[1] as NpDtype['byteOrder'];
      return;
    }
    if (obj instanceof NpArray) {
      if (!(state instanceof PyTuple) || state.items.length < 5) return fail('bad numpy array state');
      const [, shape, dt, fortran, raw] = state.items;
      if (!(shape instanceof PyTuple) || !(dt instanceof NpDtype)) return fail('bad numpy array state (shape or dtype)');
      if (!(raw instanceof Uint8Array)) return fail('numpy array of Python objects is not supported');
      obj.shape = shape.items.map(Number);
      obj.dtype = dt;
      obj.fortranOrder = fortran === true;
      obj.data = decodeNumeric(dt, raw, source);
      const count = obj.shape.reduce((a, b) => a * b, 1);
      if (count !== obj.data.length) fail(`numpy array shape [${obj.shape}] needs ${count} values, payload has ${obj.data.length}`);
      return;
    }
    fail('BUILD on an unsupported object');
  };

  for (;;) {
    if (pos >= bytes.length) fail('truncated pickle: no STOP opcode');
    const opPos = pos;
    const op = bytes[pos++];
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME (length is advisory)
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return stack[0];
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: { // LONG1
        const n = u8();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: { need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT (big-endian)
      case 0x58: stack.push(str(u32())); break; // BINUNICODE
      case 0x8c: stack.push(str(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(str(u64())); break; // BINUNICODE8
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x74: stack.push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: stack.push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { // DICT
        const items = popMark();
        const d = new PyDict();
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x63: { const mod = line(); const name = line(); stack.push(new PyGlobal(mod, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const mod = pop();
        if (typeof mod !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(new PyGlobal(mod as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); const fn = pop(); stack.push(reduce(fn, args)); break; } // REDUCE
      case 0x62: { const state = pop(); build(top(), state); break; } // BUILD
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        const d = top();
        if (!(d instanceof PyDict)) fail('SETITEM on a non-dict');
        (d as PyDict).set(k, v);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = top();
        if (!(d instanceof PyDict)) fail('SETITEMS on a non-dict');
        if (items.length % 2) fail('SETITEMS with an odd number of items');
        for (let i = 0; i < items.length; i += 2) (d as PyDict).set(items[i], items[i + 1]);
        break;
      }
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) fail('APPEND on a non-list'); (l as unknown[]).push(v); break; } // APPEND
      case 0x65: { // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail('APPENDS on a non-list');
        for (const it of items) (l as unknown[]).push(it);
        break;
      }
      default:
        pos = opPos;
        fail(`unknown or unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}
