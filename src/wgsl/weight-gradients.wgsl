// Weight gradients of a SimpleRNN layer: one GEMM over all batch·timesteps rows r = (b, s).
//
//   [dKernel; dRecurrentKernel; dBias] = [x_t(s) | h_{s-1} | 1]ᵀ · dz
//
// i.e. dKernel = Σ_r x[b, t(s), :]ᵀ dz[r, :],  dRecurrentKernel = Σ_r h[b, s-1, :]ᵀ dz[r, :]
// (h[b, -1, :] = initialState or 0),  dBias = Σ_r dz[r, :];  t(s) = goBackwards ? T-1-s : s.
//
// Bindings (group 0):
//   0  uniform              params            Params
//   1  storage, read        x                 [batch, timesteps, features]
//   2  storage, read        h                 [batch, timesteps, units]
//   3  storage, read        initialState      [batch, units]   (read only when params.hasInitialState)
//   4  storage, read        dz                [batch, timesteps, units]
//   5  storage, read_write  dKernel           [features, units]
//   6  storage, read_write  dRecurrentKernel  [units, units]
//   7  storage, read_write  dBias             [units]          (written only when params.hasBias)
//
// Dispatch: each invocation owns a 4 × 4 output tile and reduces over every row. Grid x covers unit
// tiles; grid y covers the tile rows of the three outputs stacked: ceil(features/4) of dKernel,
// ceil(units/4) of dRecurrentKernel, then one for dBias when hasBias.

struct Params {
  batch: u32,
  timesteps: u32,
  features: u32,
  units: u32,
  goBackwards: u32,
  hasBias: u32,
  hasInitialState: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read> initialState: array<f32>;
@group(0) @binding(4) var<storage, read> dz: array<f32>;
@group(0) @binding(5) var<storage, read_write> dKernel: array<f32>;
@group(0) @binding(6) var<storage, read_write> dRecurrentKernel: array<f32>;
@group(0) @binding(7) var<storage, read_write> dBias: array<f32>;

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;

const KERNEL_REGION = 0u;
const RECURRENT_REGION = 1u;
const BIAS_REGION = 2u;

const ROW_OFFSETS = vec4u(0u, 1u, 2u, 3u);

fn gradientRow(o: u32, c: vec4u) -> vec4f {
  return vec4f(dz[o + c.x], dz[o + c.y], dz[o + c.z], dz[o + c.w]);
}

// Columns: dz of 4 rows at offsets o, zeroed where valid is 0.
fn gradientBlock(o: vec4u, valid: vec4f, c: vec4u) -> mat4x4f {
  return mat4x4f(
    gradientRow(o.x, c) * valid.x,
    gradientRow(o.y, c) * valid.y,
    gradientRow(o.z, c) * valid.z,
    gradientRow(o.w, c) * valid.w,
  );
}

fn inputColumn(o: vec4u, f: u32) -> vec4f {
  return vec4f(x[o.x + f], x[o.y + f], x[o.z + f], x[o.w + f]);
}

fn stateColumn(o: vec4u, k: u32) -> vec4f {
  return vec4f(h[o.x + k], h[o.y + k], h[o.z + k], h[o.w + k]);
}

fn initialStateColumn(o: vec4u, k: u32) -> vec4f {
  return vec4f(initialState[o.x + k], initialState[o.y + k], initialState[o.z + k], initialState[o.w + k]);
}

// Each accumulate* sums, over every row in blocks of 4, the tile's dz columns c times its
// operand columns j. The region is chosen outside the row loop: a branch per block costs a third
// of the kernel's time on SwiftShader.

// A block of 4 rows from r0 on: the rows (clamped to the last), which are real, and their steps.
struct Block {
  r: vec4u,
  valid: vec4f,
  s: vec4u,
}

fn block(r0: u32) -> Block {
  let rows = params.batch * params.timesteps;
  let unclamped = r0 + ROW_OFFSETS;
  let r = min(unclamped, vec4u(rows - 1u));
  return Block(r, vec4f(unclamped < vec4u(rows)), r % params.timesteps);
}

fn accumulateKernel(j: vec4u, c: vec4u) -> mat4x4f {
  let T = params.timesteps;
  let rows = params.batch * T;
  var acc = mat4x4f();
  for (var r0 = 0u; r0 < rows; r0 += 4u) {
    let b = block(r0);
    let src = (b.r - b.s + select(b.s, T - 1u - b.s, params.goBackwards != 0u)) * params.features;
    let operand = mat4x4f(inputColumn(src, j.x), inputColumn(src, j.y), inputColumn(src, j.z), inputColumn(src, j.w));
    acc += gradientBlock(b.r * params.units, b.valid, c) * operand;
  }
  return acc;
}

fn accumulateRecurrent(j: vec4u, c: vec4u) -> mat4x4f {
  let T = params.timesteps;
  let U = params.units;
  let rows = params.batch * T;
  var acc = mat4x4f();
  for (var r0 = 0u; r0 < rows; r0 += 4u) {
    let b = block(r0);
    let r = b.r;
    // h_{s-1}; rows at s = 0 are masked here and take the initial state below.
    let hasPrevious = b.s > vec4u(0u);
    let prev = select(r, r - 1u, hasPrevious) * U;
    let m = vec4f(hasPrevious);
    let operand = mat4x4f(stateColumn(prev, j.x) * m, stateColumn(prev, j.y) * m, stateColumn(prev, j.z) * m, stateColumn(prev, j.w) * m);
    acc += gradientBlock(r * U, b.valid, c) * operand;
  }
  if (params.hasInitialState != 0u) {
    for (var b0 = 0u; b0 < params.batch; b0 += 4u) {
      let b = min(b0 + ROW_OFFSETS, vec4u(params.batch - 1u));
      let o = b * U;
      let operand = mat4x4f(initialStateColumn(o, j.x), initialStateColumn(o, j.y), initialStateColumn(o, j.z), initialStateColumn(o, j.w));
      acc += gradientBlock(b * T * U, vec4f(b0 + ROW_OFFSETS < vec4u(params.batch)), c) * operand;
    }
  }
  return acc;
}

fn accumulateBias(c: vec4u) -> mat4x4f {
  let rows = params.batch * params.timesteps;
  var sum = vec4f(0.0);
  for (var r0 = 0u; r0 < rows; r0 += 4u) {
    let r = min(r0 + ROW_OFFSETS, vec4u(rows - 1u));
    sum += gradientBlock(r * params.units, vec4f(r0 + ROW_OFFSETS < vec4u(rows)), c) * vec4f(1.0);
  }
  return mat4x4f(sum, vec4f(0.0), vec4f(0.0), vec4f(0.0));
}

// Row j of the region's gradient, units u0..u0+3 below `units` (unrolled: indexing lanes in a loop
// is slow on SwiftShader).
fn store(region: u32, j: u32, u0: u32, value: vec4f) {
  let U = params.units;
  let n = U - u0;
  switch region {
    case KERNEL_REGION: {
      if (j >= params.features) { return; }
      let o = j * U + u0;
      dKernel[o] = value.x;
      if (n > 1u) { dKernel[o + 1u] = value.y; }
      if (n > 2u) { dKernel[o + 2u] = value.z; }
      if (n > 3u) { dKernel[o + 3u] = value.w; }
    }
    case RECURRENT_REGION: {
      if (j >= U) { return; }
      let o = j * U + u0;
      dRecurrentKernel[o] = value.x;
      if (n > 1u) { dRecurrentKernel[o + 1u] = value.y; }
      if (n > 2u) { dRecurrentKernel[o + 2u] = value.z; }
      if (n > 3u) { dRecurrentKernel[o + 3u] = value.w; }
    }
    default: {
      if (j != 0u) { return; }
      dBias[u0] = value.x;
      if (n > 1u) { dBias[u0 + 1u] = value.y; }
      if (n > 2u) { dBias[u0 + 2u] = value.z; }
      if (n > 3u) { dBias[u0 + 3u] = value.w; }
    }
  }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let U = params.units;
  let kernelTiles = (params.features + 3u) / 4u;
  let unitTiles = (U + 3u) / 4u;
  let u0 = gid.x * 4u;
  let tile = gid.y;
  if (u0 >= U || tile >= kernelTiles + unitTiles + params.hasBias) { return; }

  let c = min(vec4u(u0) + ROW_OFFSETS, vec4u(U - 1u));
  var region = BIAS_REGION;
  var j0 = 0u;
  var acc: mat4x4f;
  if (tile < kernelTiles) {
    region = KERNEL_REGION;
    j0 = tile * 4u;
    acc = accumulateKernel(min(vec4u(j0) + ROW_OFFSETS, vec4u(params.features - 1u)), c);
  } else if (tile < kernelTiles + unitTiles) {
    region = RECURRENT_REGION;
    j0 = (tile - kernelTiles) * 4u;
    acc = accumulateRecurrent(min(vec4u(j0) + ROW_OFFSETS, vec4u(U - 1u)), c);
  } else {
    acc = accumulateBias(c);
  }
  store(region, j0, u0, acc[0]);
  store(region, j0 + 1u, u0, acc[1]);
  store(region, j0 + 2u, u0, acc[2]);
  store(region, j0 + 3u, u0, acc[3]);
}
