/** Reference of trainer-embedding.wgsl: the lookup (or one-hot vectors) of `ids` from idOffset, exact. */
export function trainerEmbeddingRef(
  ids: ArrayLike<number>,
  table: Float32Array | null,
  positions: number,
  dims: number,
  idOffset = 0,
): Float32Array {
  const x = new Float32Array(positions * dims);
  for (let p = 0; p < positions; p++) {
    const id = ids[idOffset + p]!;
    for (let e = 0; e < dims; e++) x[p * dims + e] = table ? table[id * dims + e]! : Number(e === id);
  }
  return x;
}
