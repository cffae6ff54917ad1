// Linear memory shared by the kernels: tensors are f32 arrays addressed by byte offsets, so the same
// pointers work for the WebAssembly kernels and their JS reference. A bump allocator with marks;
// growing the memory detaches old views, so views are always taken fresh through `f32()`.

export class Heap {
  private top = 16; // offset 0 is the null pointer (e.g. "no dropout mask")
  private viewCache: Float32Array;

  constructor(readonly memory: WebAssembly.Memory) {
    this.viewCache = new Float32Array(memory.buffer);
  }

  /** Allocate n floats (16-byte aligned, zero-filled); returns the byte offset. */
  alloc(n: number): number {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Heap.alloc: bad size ${n}`);
    const ptr = this.top;
    const bytes = ((n * 4 + 15) >> 4) << 4;
    const need = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    this.top = need;
    this.f32(ptr, n).fill(0);
    return ptr;
  }

  /** Allocate n floats without zero-filling, for outputs a kernel writes in full. */
  allocRaw(n: number): number {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Heap.allocRaw: bad size ${n}`);
    const ptr = this.top;
    const need = ptr + (((n * 4 + 15) >> 4) << 4);
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    this.top = need;
    return ptr;
  }

  /** The whole memory as 32-bit integers (index = ptr / 4), for index arrays the kernels read. */
  allI32(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }

  /** A Float32Array view of n floats at ptr (valid until the next alloc that grows memory). */
  f32(ptr: number, n: number): Float32Array {
    if (this.viewCache.buffer !== this.memory.buffer) this.viewCache = new Float32Array(this.memory.buffer);
    return this.viewCache.subarray(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** The whole memory as floats (index = ptr / 4). */
  all(): Float32Array {
    if (this.viewCache.buffer !== this.memory.buffer) this.viewCache = new Float32Array(this.memory.buffer);
    return this.viewCache;
  }

  mark(): number {
    return this.top;
  }

  /** Free everything allocated after `mark` (scratch space). */
  release(mark: number): void {
    if (mark < 16 || mark > this.top) throw new Error('Heap.release: bad mark');
    this.top = mark;
  }

  get bytesUsed(): number {
    return this.top;
  }
}
