// Weight gradients of a recurrent layer: one GEMM over all batch·timesteps rows r = (b, s), for every
// gate g's block of `units` columns.
//
//   dKernel[:, g]          = Σ_r x[b, t(s), :]ᵀ  dGates[r, g]               t(s) = goBackwards ? T-1-s : s
//   dRecurrentKernel[:, g] = Σ_r operand_g[r]ᵀ dGates[r, recurrent(g)]      operand = h[b, s-1, :]
//   dBias[0, g] = Σ_r dGates[r, g],   dBias[1, g] = Σ_r dGates[r, recurrent(g)]   (the second row: biasRows = 2)
//
// h[b, -1, :] is initialState or 0. The input side reads the gate blocks 0..gates-1 of dGates; the
// recurrent side reads the same, except that the last gate reads the last stored block (its own
// when a cell stores gradientBlocks > gates: GRU resetAfter's recurrent h̃ gradient) and, with
// params.savedOperand, takes saved[b, s, :] as its operand (GRU's r ⊙ h_{s-1}). Padding rows are
// masked with select, never by multiplying with 0, which would turn an Infinity into NaN.
//
// The rows are split: grid z is the split, and each invocation sums params.rowsPerSplit rows, in
// blocks of BLOCK_ROWS added into the total, so sums over B·T = 262,144 rows stay accurate and no
// invocation loops long (llvmpipe ends every invocation's loops after 65,535 iterations). With one
// split the outputs are the gradients; with more, each output binding holds one partial per split,
// one after the other, and weight-gradient-splits.wgsl adds them up. Needs workgroup-order.wgsl.
//
// Bindings (group 0):
//   0  uniform              params            Params
//   1  storage, read        x                 [batch, timesteps, features]
//   2  storage, read        h                 [batch, timesteps, units]
//   3  storage, read        initialState      [batch, units]   (read only when params.hasInitialState)
//   4  storage, read        dGates            [batch, timesteps, gradientBlocks·units]
//   5  storage, read        saved             [batch, timesteps, units]   (read only when params.savedOperand)
//   6  storage, read_write  dKernel           [splits, features, gates·units]
//   7  storage, read_write  dRecurrentKernel  [splits, units, gates·units]
//   8  storage, read_write  dBias             [splits, biasRows, gates·units]   (written only when biasRows > 0)
//
// Dispatch: each invocation owns 4 output rows × 4 units of one gate's block and reduces over its
// split's rows. Grid x covers the gates' unit tiles (gate-major); grid y the tile rows of the three
// outputs stacked: ceil(features/4) of dKernel, ceil(units/4) of dRecurrentKernel, then one for
// dBias; grid z the splits. (Fusing the gates into one invocation shares the operand's loads, ~1.3×
// faster on SwiftShader, but made the shader several times slower to compile: not worth it here.)

struct Params {
  batch: u32,
  timesteps: u32,
  features: u32,
  units: u32,
  gates: u32,
  gradientBlocks: u32,
  goBackwards: u32,
  biasRows: u32,
  hasInitialState: u32,
  savedOperand: u32,
  rowsPerSplit: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read> initialState: array<f32>;
@group(0) @binding(4) var<storage, read> dGates: array<f32>;
@group(0) @binding(5) var<storage, read> saved: array<f32>;
@group(0) @binding(6) var<storage, read_write> dKernel: array<f32>;
@group(0) @binding(7) var<storage, read_write> dRecurrentKernel: array<f32>;
@group(0) @binding(8) var<storage, read_write> dBias: array<f32>;

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;

const KERNEL_REGION = 0u;
const RECURRENT_REGION = 1u;
const BIAS_REGION = 2u;

const LANES = vec4u(0u, 1u, 2u, 3u);
// Rows per partial sum.
const BLOCK_ROWS = 256u;

// This invocation's split: its rows [rowBegin, rowEnd) and where its partials go.
var<private> split: u32;
var<private> rowBegin: u32;
var<private> rowEnd: u32;

// dGates of row r, units c of block `block`.
fn gradientRow(r: u32, block: u32, c: vec4u) -> vec4f {
  let o = (r * params.gradientBlocks + block) * params.units;
  return vec4f(dGates[o + c.x], dGates[o + c.y], dGates[o + c.z], dGates[o + c.w]);
}

// Columns: the gradients of 4 rows, zero where valid is false.
fn gradientBlock(r: vec4u, valid: vec4<bool>, block: u32, c: vec4u) -> mat4x4f {
  let zero = vec4f(0.0);
  return mat4x4f(
    select(zero, gradientRow(r.x, block, c), valid.x),
    select(zero, gradientRow(r.y, block, c), valid.y),
    select(zero, gradientRow(r.z, block, c), valid.z),
    select(zero, gradientRow(r.w, block, c), valid.w),
  );
}

fn inputColumn(o: vec4u, f: u32) -> vec4f {
  return vec4f(x[o.x + f], x[o.y + f], x[o.z + f], x[o.w + f]);
}

fn stateColumn(o: vec4u, k: u32) -> vec4f {
  return vec4f(h[o.x + k], h[o.y + k], h[o.z + k], h[o.w + k]);
}

fn savedColumn(o: vec4u, k: u32) -> vec4f {
  return vec4f(saved[o.x + k], saved[o.y + k], saved[o.z + k], saved[o.w + k]);
}

fn initialStateColumn(o: vec4u, k: u32) -> vec4f {
  return vec4f(initialState[o.x + k], initialState[o.y + k], initialState[o.z + k], initialState[o.w + k]);
}

// Each accumulate* sums, over the split's rows in blocks of 4, the tile's gradient columns c times
// its operand columns j. The region is chosen outside the row loop: a branch per block costs a
// third of the kernel's time on SwiftShader.

// A block of 4 rows from r0 on: the rows (clamped to the split's last), which are real, and their steps.
struct Rows {
  r: vec4u,
  valid: vec4<bool>,
  s: vec4u,
}

fn rowsFrom(r0: u32) -> Rows {
  let unclamped = r0 + LANES;
  let r = min(unclamped, vec4u(rowEnd - 1u));
  return Rows(r, unclamped < vec4u(rowEnd), r % params.timesteps);
}

fn accumulateKernel(j: vec4u, block: u32, c: vec4u) -> mat4x4f {
  let T = params.timesteps;
  var acc = mat4x4f();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = mat4x4f();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      let src = (b.r - b.s + select(b.s, T - 1u - b.s, params.goBackwards != 0u)) * params.features;
      let operand = mat4x4f(inputColumn(src, j.x), inputColumn(src, j.y), inputColumn(src, j.z), inputColumn(src, j.w));
      part += gradientBlock(b.r, b.valid, block, c) * operand;
    }
    acc += part;
  }
  return acc;
}

// operand h_{s-1}. Rows at s = 0 take the initial state below; without one, their operand is 0 and
// still multiplies (0 · NaN is NaN, as in tfjs).
fn accumulateRecurrent(j: vec4u, block: u32, c: vec4u) -> mat4x4f {
  let T = params.timesteps;
  let U = params.units;
  let zero = vec4f(0.0);
  let withoutInitialState = vec4<bool>(params.hasInitialState == 0u);
  var acc = mat4x4f();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = mat4x4f();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      let hasPrevious = b.s > vec4u(0u);
      let prev = select(b.r, b.r - 1u, hasPrevious) * U;
      let operand = mat4x4f(
        select(zero, stateColumn(prev, j.x), hasPrevious),
        select(zero, stateColumn(prev, j.y), hasPrevious),
        select(zero, stateColumn(prev, j.z), hasPrevious),
        select(zero, stateColumn(prev, j.w), hasPrevious),
      );
      part += gradientBlock(b.r, b.valid & (hasPrevious | withoutInitialState), block, c) * operand;
    }
    acc += part;
  }
  if (params.hasInitialState != 0u) {
    // The batch rows whose first step lies in this split.
    let batchEnd = min(params.batch, (rowEnd + T - 1u) / T);
    for (var b0 = (rowBegin + T - 1u) / T; b0 < batchEnd; b0 += 4u) {
      let b = min(b0 + LANES, vec4u(batchEnd - 1u));
      let o = b * U;
      let operand = mat4x4f(initialStateColumn(o, j.x), initialStateColumn(o, j.y), initialStateColumn(o, j.z), initialStateColumn(o, j.w));
      acc += gradientBlock(b * T, b0 + LANES < vec4u(batchEnd), block, c) * operand;
    }
  }
  return acc;
}

// operand saved[b, s] (the same row).
fn accumulateSaved(j: vec4u, block: u32, c: vec4u) -> mat4x4f {
  var acc = mat4x4f();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = mat4x4f();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      let o = b.r * params.units;
      let operand = mat4x4f(savedColumn(o, j.x), savedColumn(o, j.y), savedColumn(o, j.z), savedColumn(o, j.w));
      part += gradientBlock(b.r, b.valid, block, c) * operand;
    }
    acc += part;
  }
  return acc;
}

// Row 0: Σ_r dGates[r, block]; row 1, with two bias rows: Σ_r dGates[r, recurrentBlock].
fn accumulateBias(block: u32, recurrentBlock: u32, c: vec4u) -> mat4x4f {
  var acc = mat4x4f();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = mat4x4f();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      part[0] += gradientBlock(b.r, b.valid, block, c) * vec4f(1.0);
      if (params.biasRows > 1u) { part[1] += gradientBlock(b.r, b.valid, recurrentBlock, c) * vec4f(1.0); }
    }
    acc += part;
  }
  return acc;
}

// Row j of the region's gradient (this split's partial), gate g's units u0..u0+3 below `units`
// (unrolled: indexing lanes in a loop is slow on SwiftShader).
fn store(region: u32, j: u32, g: u32, u0: u32, value: vec4f) {
  let U = params.units;
  let n = U - u0;
  let width = params.gates * U;
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

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let U = params.units;
  let kernelTiles = (params.features + 3u) / 4u;
  let unitTiles = (U + 3u) / 4u;
  let place = orderedWorkgroup(wid, nwg);
  let column = place.x * WORKGROUP_X + lid.x;
  let tile = place.y * WORKGROUP_Y + lid.y;
  if (column >= params.gates * unitTiles || tile >= kernelTiles + unitTiles + u32(params.biasRows > 0u)) { return; }
  split = place.z;
  rowBegin = split * params.rowsPerSplit;
  rowEnd = min(rowBegin + params.rowsPerSplit, params.batch * params.timesteps);

  let g = column / unitTiles;
  let u0 = (column % unitTiles) * 4u;
  let c = min(vec4u(u0) + LANES, vec4u(U - 1u));
  let isLastGate = g + 1u == params.gates;
  // The recurrent side's gradient block of gate g: the last gate's is the last block.
  let recurrentBlock = select(g, params.gradientBlocks - 1u, isLastGate);
  var region = BIAS_REGION;
  var j0 = 0u;
  var acc: mat4x4f;
  if (tile < kernelTiles) {
    region = KERNEL_REGION;
    j0 = tile * 4u;
    acc = accumulateKernel(min(vec4u(j0) + LANES, vec4u(params.features - 1u)), g, c);
  } else if (tile < kernelTiles + unitTiles) {
    region = RECURRENT_REGION;
    j0 = (tile - kernelTiles) * 4u;
    let j = min(vec4u(j0) + LANES, vec4u(U - 1u));
    if (params.savedOperand != 0u && isLastGate) {
      acc = accumulateSaved(j, recurrentBlock, c);
    } else {
      acc = accumulateRecurrent(j, recurrentBlock, c);
    }
  } else {
    acc = accumulateBias(g, recurrentBlock, c);
  }
  store(region, j0, g, u0, acc[0]);
  store(region, j0 + 1u, g, u0, acc[1]);
  store(region, j0 + 2u, g, u0, acc[2]);
  store(region, j0 + 3u, g, u0, acc[3]);
}
