// The weight-gradient kernels' outputs (weight-gradients.wgsl, weight-gradients-staged.wgsl): the sums
// of one invocation's tile, 4 output rows × 4 units of every gate, and where they go. An output row is
// in one of three regions: dKernel, dRecurrentKernel or dBias; with several splits, each output binding
// holds one partial per split, one after the other. Needs the GATES override.

const KERNEL_REGION = 0u;
const RECURRENT_REGION = 1u;
const BIAS_REGION = 2u;

// The invocation's split: where its partials go.
var<private> split: u32;

// A tile per gate (the first GATES used).
struct GateSums {
  g0: mat4x4f,
  g1: mat4x4f,
  g2: mat4x4f,
  g3: mat4x4f,
}

// a + b for the first GATES tiles (the others stay a's): no work for gates a cell lacks.
fn addSums(a: GateSums, b: GateSums) -> GateSums {
  var s = a;
  s.g0 += b.g0;
  if (GATES > 1u) { s.g1 += b.g1; }
  if (GATES > 2u) { s.g2 += b.g2; }
  if (GATES > 3u) { s.g3 += b.g3; }
  return s;
}

// Row j of the region's gradient (this split's partial), gate g's units u0..u0+3 below `units`
// (unrolled: indexing lanes in a loop is slow on SwiftShader).
fn store(region: u32, j: u32, g: u32, u0: u32, value: vec4f) {
  let U = params.units;
  let n = U - u0;
  let width = GATES * U;
  let o = j * width + g * U + u0;
  switch region {
    case KERNEL_REGION: {
      if (j >= params.features) { return; }
      let at = o + split * params.features * width;
      dKernel[at] = value.x;
      if (n > 1u) { dKernel[at + 1u] = value.y; }
      if (n > 2u) { dKernel[at + 2u] = value.z; }
      if (n > 3u) { dKernel[at + 3u] = value.w; }
    }
    case RECURRENT_REGION: {
      if (j >= U) { return; }
      let at = o + split * U * width;
      dRecurrentKernel[at] = value.x;
      if (n > 1u) { dRecurrentKernel[at + 1u] = value.y; }
      if (n > 2u) { dRecurrentKernel[at + 2u] = value.z; }
      if (n > 3u) { dRecurrentKernel[at + 3u] = value.w; }
    }
    default: {
      if (j >= params.biasRows) { return; }
      let at = o + split * params.biasRows * width;
      dBias[at] = value.x;
      if (n > 1u) { dBias[at + 1u] = value.y; }
      if (n > 2u) { dBias[at + 2u] = value.z; }
      if (n > 3u) { dBias[at + 3u] = value.w; }
    }
  }
}

// Row j0 + i of the region's gradient gets row i of every gate's tile.
fn storeTiles(region: u32, j0: u32, u0: u32, sums: GateSums) {
  let tiles = array<mat4x4f, 4>(sums.g0, sums.g1, sums.g2, sums.g3);
  for (var g = 0u; g < GATES; g++) {
    let t = tiles[g];
    store(region, j0, g, u0, t[0]);
    store(region, j0 + 1u, g, u0, t[1]);
    store(region, j0 + 2u, g, u0, t[2]);
    store(region, j0 + 3u, g, u0, t[3]);
  }
}
