// The NAS-Bench-201 index (0..15624) is the benchmark's own order of cells; it is not derivable from
// the cell itself, so it is built from the benchmark's list of arch strings in index order.

import { NB201_SIZE, archStringToVector, codeToVector, vectorToArchString, vectorToCode, type Nb201Vector } from './cell.js';

export class Nb201Index {
  /** NB201 index -> vector code. */
  readonly codes: Int32Array;
  /** vector code -> NB201 index. */
  readonly indexOfCode: Int32Array;

  constructor(codes: Int32Array) {
    if (codes.length !== NB201_SIZE) throw new Error(`NB201 index needs ${NB201_SIZE} cells, got ${codes.length}`);
    this.codes = codes;
    this.indexOfCode = new Int32Array(NB201_SIZE).fill(-1);
    codes.forEach((c, i) => {
      if (this.indexOfCode[c] !== -1) throw new Error(`NB201 index lists ${vectorToArchString(codeToVector(c))} twice (rows ${this.indexOfCode[c]} and ${i})`);
      this.indexOfCode[c] = i;
    });
  }

  static fromArchStrings(archs: readonly string[]): Nb201Index {
    return new Nb201Index(Int32Array.from(archs, (s) => vectorToCode(archStringToVector(s))));
  }

  indexOf(v: Nb201Vector): number {
    return this.indexOfCode[vectorToCode(v)];
  }

  vectorAt(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= NB201_SIZE) throw new Error(`NB201 index must be an integer 0..${NB201_SIZE - 1}, got ${index}`);
    return codeToVector(this.codes[index]);
  }

  archStringAt(index: number): string {
    return vectorToArchString(this.vectorAt(index));
  }
}
