// PCG's output permutation of a 32-bit word (the RXS-M-XS step; Jarzynski and Olano, "Hash Functions
// for GPU Rendering", JCGT 2020): integer operations only, so a seed gives the same bits on every
// adapter. Nested over coordinates, pcg(column + pcg(row + pcg(seed))), it draws independent words.
// pcg-hash.ts computes the same bits on the host.

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
