// The benchmark's graph hash (nasbench graph_util.hash_module): MD5 of iterated neighbourhood
// fingerprints, the key of every NB101 table. Labels: input -1, conv3x3 0, conv1x1 1, maxpool 2,
// output -2. Python's str() of the initial (out_degree, in_degree, label) tuple and of the final
// sorted list are reproduced literally.

import { createHash } from 'node:crypto';
import type { Nb101Cell } from './cell.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export function nb101Hash(c: Nb101Cell): string {
  const { n, matrix: M } = c;
  const label = (v: number) => (v === 0 ? -1 : v === n - 1 ? -2 : c.ops[v - 1]);
  let hashes: string[] = [];
  for (let v = 0; v < n; v++) {
    let ind = 0;
    let outd = 0;
    for (let w = 0; w < n; w++) {
      ind += M[w * n + v];
      outd += M[v * n + w];
    }
    hashes.push(md5(`(${outd}, ${ind}, ${label(v)})`));
  }
  for (let it = 0; it < n; it++) {
    const next: string[] = [];
    for (let v = 0; v < n; v++) {
      const ins: string[] = [];
      const outs: string[] = [];
      for (let w = 0; w < n; w++) {
        if (M[w * n + v]) ins.push(hashes[w]);
        if (M[v * n + w]) outs.push(hashes[w]);
      }
      next.push(md5(ins.sort().join('') + '|' + outs.sort().join('') + '|' + hashes[v]));
    }
    hashes = next;
  }
  return md5(`[${hashes.sort().map((h) => `'${h}'`).join(', ')}]`);
}
