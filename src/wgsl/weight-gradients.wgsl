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

// Columns: dz of rows o (offsets), zeroed where valid is 0.
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

// Column i holds the operand's column j[i] over rows r (clamped to valid rows).
fn operandBlock(region: u32, j: vec4u, r: vec4u) -> mat4x4f {
  let T = params.timesteps;
  let s = r % T;
  switch region {
    case KERNEL_REGION: {
      let src = (r - s + select(s, T - 1u - s, params.goBackwards != 0u)) * params.features;
      return mat4x4f(inputColumn(src, j.x), inputColumn(src, j.y), inputColumn(src, j.z), inputColumn(src, j.w));
    }
    case RECURRENT_REGION: {
      // Rows at s = 0 take h_{-1} from initialStateBlock instead.
      let hasPrevious = s > vec4u(0u);
      let prev = select(r, r - 1u, hasPrevious) * params.units;
      let m = vec4f(hasPrevious);
      return mat4x4f(stateColumn(prev, j.x) * m, stateColumn(prev, j.y) * m, stateColumn(prev, j.z) * m, stateColumn(prev, j.w) * m);
    }
    default: {
      return mat4x4f(vec4f(1.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
    }
  }
}

fn store(region: u32, j: u32, u0: u32, value: vec4f) {
  let U = params.units;
  for (var i = 0u; i < 4u; i++) {
    let u = u0 + i;
    if (u >= U) { return; }
    switch region {
      case KERNEL_REGION: { if (j < params.features) { dKernel[j * U + u] = value[i]; } }
      case RECURRENT_REGION: { if (j < U) { dRecurrentKernel[j * U + u] = value[i]; } }
      default: { if (j == 0u) { dBias[u] = value[i]; } }
    }
  }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let U = params.units;
  let T = params.timesteps;
  let rows = params.batch * T;
  let kernelTiles = (params.features + 3u) / 4u;
  let unitTiles = (U + 3u) / 4u;
  let u0 = gid.x * 4u;
  let tile = gid.y;
  if (u0 >= U || tile >= kernelTiles + unitTiles + params.hasBias) { return; }

  var region = BIAS_REGION;
  var j0 = 0u;
  if (tile < kernelTiles) {
    region = KERNEL_REGION;
    j0 = tile * 4u;
  } else if (tile < kernelTiles + unitTiles) {
    region = RECURRENT_REGION;
    j0 = (tile - kernelTiles) * 4u;
  }
  let limit = select(params.features, U, region == RECURRENT_REGION);
  let j = min(vec4u(j0) + ROW_OFFSETS, vec4u(max(limit, 1u) - 1u));
  let c = min(vec4u(u0) + ROW_OFFSETS, vec4u(U - 1u));

  var acc = mat4x4f();
  for (var r0 = 0u; r0 < rows; r0 += 4u) {
    let r = r0 + ROW_OFFSETS;
    let clamped = min(r, vec4u(rows - 1u));
    acc += gradientBlock(clamped * U, vec4f(r < vec4u(rows)), c) * operandBlock(region, j, clamped);
  }
  if (region == RECURRENT_REGION && params.hasInitialState != 0u) {
    for (var b0 = 0u; b0 < params.batch; b0 += 4u) {
      let b = min(b0 + ROW_OFFSETS, vec4u(params.batch - 1u));
      let o = b * U;
      let initial = mat4x4f(initialStateColumn(o, j.x), initialStateColumn(o, j.y), initialStateColumn(o, j.z), initialStateColumn(o, j.w));
      acc += gradientBlock(b * T * U, vec4f(b0 + ROW_OFFSETS < vec4u(params.batch)), c) * initial;
    }
  }
  for (var i = 0u; i < 4u; i++) { store(region, j0 + i, u0, acc[i]); }
}
