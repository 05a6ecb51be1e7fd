/**
 * Reference of dropout-mask.wgsl: the same bits, from the same integer hash (Math.imul and >>> 0 are
 * WGSL's u32 arithmetic), so a seed's mask is checked exactly.
 */
import { dropoutScale, dropoutThreshold } from './dropout-mask.js';
import { pcg } from './pcg-hash.js';

/** The mask [rows, columns] of `seed`: 0 or fround(1 / fround(1 − rate)). */
export function dropoutMaskRef(rows: number, columns: number, rate: number, seed: number): Float32Array {
  const threshold = dropoutThreshold(rate);
  const scale = dropoutScale(rate);
  const mask = new Float32Array(rows * columns);
  const seeded = pcg(seed >>> 0);
  for (let row = 0; row < rows; row++) {
    const rowHash = pcg((row + seeded) >>> 0);
    for (let column = 0; column < columns; column++) {
      const u = pcg((column + rowHash) >>> 0) >>> 8;
      mask[row * columns + column] = u >= threshold ? scale : 0;
    }
  }
  return mask;
}
