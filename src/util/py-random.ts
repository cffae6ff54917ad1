// CPython's `random` module, bit for bit, for the parts the reference uses (MT19937 seeded by
// init_by_array, random(), choices(), sample() on small populations, randbelow): the reference's
// DARTS sampling depends on it (spec section 1.4, verified there against CPython 3.11).

const N = 624;
const M = 397;

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  /** random.seed(n) for a non-negative integer n (< 2^53). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) throw new Error(`PyRandom seed must be a non-negative integer, got ${seed}`);
    const key: number[] = [];
    let s = seed;
    do {
      key.push(s % 2 ** 32);
      s = Math.floor(s / 2 ** 32);
    } while (s > 0);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** genrand_uint32 */
  u32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.random(): 53 random bits in [0, 1). */
  random(): number {
    const a = this.u32() >>> 5;
    const b = this.u32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** random._randbelow(n) for 0 < n < 2^32. */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    for (;;) {
      const r = this.u32() >>> (32 - k);
      if (r < n) return r;
    }
  }

  /** random.choices(population, k=k) without weights. */
  choices<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    return Array.from({ length: k }, () => population[Math.floor(this.random() * n)]);
  }

  /** random.sample(population, k) for small populations (CPython's pool algorithm). */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (k > n || k < 0) throw new Error('sample larger than population or is negative');
    const setsize = 21 + (k > 5 ? 4 ** Math.ceil(Math.log(3 * k) / Math.log(4)) : 0);
    if (n > setsize) throw new Error('PyRandom.sample: only the pool algorithm (small populations) is implemented');
    const pool = population.slice();
    const out: T[] = [];
    for (let i = 0; i < k; i++) {
      const j = this.randbelow(n - i);
      out.push(pool[j]);
      pool[j] = pool[n - i - 1];
    }
    return out;
  }
}
