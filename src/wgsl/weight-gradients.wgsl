// Weight gradients of a recurrent layer: one GEMM over all batch·timesteps rows r = (b, s), for every
// gate g's block of `units` columns.
//
//   dKernel[:, g]          = Σ_r x[b, t(s), :]ᵀ  dGates[r, g]               t(s) = goBackwards ? T-1-s : s
//   dRecurrentKernel[:, g] = Σ_r operand_g[r]ᵀ dGates[r, recurrent(g)]      operand = h[b, s-1, :]
//   dBias[0, g] = Σ_r dGates[r, g],   dBias[1, g] = Σ_r dGates[r, recurrent(g)]   (the second row: biasRows = 2)
//
// h[b, -1, :] is initialState or 0. The input side reads the gate blocks 0..GATES-1 of dGates; the
// recurrent side reads the same, except that the last gate reads the last stored block (its own
// when a cell stores gradientBlocks > GATES: GRU resetAfter's recurrent h̃ gradient) and, with
// params.savedOperand, takes saved[b, s, :] as its operand (GRU's r ⊙ h_{s-1}). Sums run in blocks of
// BLOCK_ROWS rows added into the total, so they stay accurate over B·T = 262,144 rows. Padding rows
// are masked with select, never by multiplying with 0, which would turn an Infinity into NaN.
// Needs workgroup-order.wgsl.
//
// Bindings (group 0):
//   0  uniform              params            Params
//   1  storage, read        x                 [batch, timesteps, features]
//   2  storage, read        h                 [batch, timesteps, units]
//   3  storage, read        initialState      [batch, units]   (read only when params.hasInitialState)
//   4  storage, read        dGates            [batch, timesteps, gradientBlocks·units]
//   5  storage, read        saved             [batch, timesteps, units]   (read only when params.savedOperand)
//   6  storage, read_write  dKernel           [features, GATES·units]
//   7  storage, read_write  dRecurrentKernel  [units, GATES·units]
//   8  storage, read_write  dBias             [biasRows, GATES·units]   (written only when biasRows > 0)
//
// Dispatch: each invocation owns 4 output rows × 4 units of every gate's block (the gates share the
// operand's loads, which bound this loop on a CPU adapter) and reduces over every row. Grid x
// covers the unit tiles; grid y the tile rows of the three outputs stacked: ceil(features/4) of
// dKernel, ceil(units/4) of dRecurrentKernel, then one for dBias.

struct Params {
  batch: u32,
  timesteps: u32,
  features: u32,
  units: u32,
  gradientBlocks: u32,
  goBackwards: u32,
  biasRows: u32,
  hasInitialState: u32,
  savedOperand: u32,
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
// Gate blocks: 1 SimpleRNN, 3 GRU, 4 LSTM.
override GATES: u32 = 1;

const KERNEL_REGION = 0u;
const RECURRENT_REGION = 1u;
const BIAS_REGION = 2u;

const LANES = vec4u(0u, 1u, 2u, 3u);
// Rows per partial sum.
const BLOCK_ROWS = 256u;

// The tile of each gate's block: 4 output rows j (columns of the mat4x4f) × 4 units.
alias GateTiles = array<mat4x4f, 4>;

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

// acc[g] += the rows' gradients of block blocks[g] · operand, for the first `count` gates.
fn accumulate(acc: ptr<function, GateTiles>, r: vec4u, valid: vec4<bool>, blocks: vec4u, count: u32, c: vec4u, operand: mat4x4f) {
  (*acc)[0] += gradientBlock(r, valid, blocks.x, c) * operand;
  if (count > 1u) { (*acc)[1] += gradientBlock(r, valid, blocks.y, c) * operand; }
  if (count > 2u) { (*acc)[2] += gradientBlock(r, valid, blocks.z, c) * operand; }
  if (count > 3u) { (*acc)[3] += gradientBlock(r, valid, blocks.w, c) * operand; }
}

fn addInto(total: ptr<function, GateTiles>, part: GateTiles) {
  (*total)[0] += part[0];
  (*total)[1] += part[1];
  (*total)[2] += part[2];
  (*total)[3] += part[3];
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

// Each accumulate* sums, over every row in blocks of 4, the tiles' gradient columns c times their
// operand columns j. The region is chosen outside the row loop: a branch per block costs a third
// of the kernel's time on SwiftShader.

// A block of 4 rows from r0 on: the rows (clamped to the last), which are real, and their steps.
struct Rows {
  r: vec4u,
  valid: vec4<bool>,
  s: vec4u,
}

fn rowsFrom(r0: u32) -> Rows {
  let count = params.batch * params.timesteps;
  let unclamped = r0 + LANES;
  let r = min(unclamped, vec4u(count - 1u));
  return Rows(r, unclamped < vec4u(count), r % params.timesteps);
}

fn accumulateKernel(j: vec4u, blocks: vec4u, c: vec4u) -> GateTiles {
  let T = params.timesteps;
  let count = params.batch * T;
  var acc = GateTiles();
  for (var first = 0u; first < count; first += BLOCK_ROWS) {
    var part = GateTiles();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, count); r0 += 4u) {
      let b = rowsFrom(r0);
      let src = (b.r - b.s + select(b.s, T - 1u - b.s, params.goBackwards != 0u)) * params.features;
      accumulate(&part, b.r, b.valid, blocks, GATES, c, mat4x4f(inputColumn(src, j.x), inputColumn(src, j.y), inputColumn(src, j.z), inputColumn(src, j.w)));
    }
    addInto(&acc, part);
  }
  return acc;
}

// operand h_{s-1}, for the first `gates` gates. Rows at s = 0 take the initial state below; without
// one, their operand is 0 and still multiplies (0 · NaN is NaN, as in tfjs).
fn accumulateRecurrent(j: vec4u, blocks: vec4u, gates: u32, c: vec4u) -> GateTiles {
  let T = params.timesteps;
  let U = params.units;
  let count = params.batch * T;
  let zero = vec4f(0.0);
  let withoutInitialState = vec4<bool>(params.hasInitialState == 0u);
  var acc = GateTiles();
  for (var first = 0u; first < count; first += BLOCK_ROWS) {
    var part = GateTiles();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, count); r0 += 4u) {
      let b = rowsFrom(r0);
      let hasPrevious = b.s > vec4u(0u);
      let prev = select(b.r, b.r - 1u, hasPrevious) * U;
      let operand = mat4x4f(
        select(zero, stateColumn(prev, j.x), hasPrevious),
        select(zero, stateColumn(prev, j.y), hasPrevious),
        select(zero, stateColumn(prev, j.z), hasPrevious),
        select(zero, stateColumn(prev, j.w), hasPrevious),
      );
      accumulate(&part, b.r, b.valid & (hasPrevious | withoutInitialState), blocks, gates, c, operand);
    }
    addInto(&acc, part);
  }
  if (params.hasInitialState != 0u) {
    for (var b0 = 0u; b0 < params.batch; b0 += 4u) {
      let b = min(b0 + LANES, vec4u(params.batch - 1u));
      let o = b * U;
      let operand = mat4x4f(initialStateColumn(o, j.x), initialStateColumn(o, j.y), initialStateColumn(o, j.z), initialStateColumn(o, j.w));
      accumulate(&acc, b * T, b0 + LANES < vec4u(params.batch), blocks, gates, c, operand);
    }
  }
  return acc;
}

// operand saved[b, s] (the same row), one gate's block.
fn accumulateSaved(j: vec4u, block: u32, c: vec4u) -> mat4x4f {
  let count = params.batch * params.timesteps;
  var acc = mat4x4f();
  for (var first = 0u; first < count; first += BLOCK_ROWS) {
    var part = mat4x4f();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, count); r0 += 4u) {
      let b = rowsFrom(r0);
      let o = b.r * params.units;
      let operand = mat4x4f(savedColumn(o, j.x), savedColumn(o, j.y), savedColumn(o, j.z), savedColumn(o, j.w));
      part += gradientBlock(b.r, b.valid, block, c) * operand;
    }
    acc += part;
  }
  return acc;
}

// Σ_r dGates[r, block] for the tile's 4 units.
fn accumulateBias(block: u32, c: vec4u) -> vec4f {
  let count = params.batch * params.timesteps;
  var acc = vec4f(0.0);
  for (var first = 0u; first < count; first += BLOCK_ROWS) {
    var part = vec4f(0.0);
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, count); r0 += 4u) {
      let b = rowsFrom(r0);
      part += gradientBlock(b.r, b.valid, block, c) * vec4f(1.0);
    }
    acc += part;
  }
  return acc;
}

// Row j of the region's gradient, gate g's units u0..u0+3 below `units` (unrolled: indexing lanes in
// a loop is slow on SwiftShader).
fn store(region: u32, j: u32, g: u32, u0: u32, value: vec4f) {
  let U = params.units;
  let n = U - u0;
  let o = j * GATES * U + g * U + u0;
  switch region {
    case KERNEL_REGION: {
      if (j >= params.features) { return; }
      dKernel[o] = value.x;
      if (n > 1u) { dKernel[o + 1u] = value.y; }
      if (n > 2u) { dKernel[o + 2u] = value.z; }
      if (n > 3u) { dKernel[o + 3u] = value.w; }
    }
    case RECURRENT_REGION: {
      if (j >= U) { return; }
      dRecurrentKernel[o] = value.x;
      if (n > 1u) { dRecurrentKernel[o + 1u] = value.y; }
      if (n > 2u) { dRecurrentKernel[o + 2u] = value.z; }
      if (n > 3u) { dRecurrentKernel[o + 3u] = value.w; }
    }
    default: {
      if (j >= params.biasRows) { return; }
      dBias[o] = value.x;
      if (n > 1u) { dBias[o + 1u] = value.y; }
      if (n > 2u) { dBias[o + 2u] = value.z; }
      if (n > 3u) { dBias[o + 3u] = value.w; }
    }
  }
}

fn storeTile(region: u32, j0: u32, g: u32, u0: u32, tile: mat4x4f) {
  store(region, j0, g, u0, tile[0]);
  store(region, j0 + 1u, g, u0, tile[1]);
  store(region, j0 + 2u, g, u0, tile[2]);
  store(region, j0 + 3u, g, u0, tile[3]);
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
  if (column >= unitTiles || tile >= kernelTiles + unitTiles + u32(params.biasRows > 0u)) { return; }

  let u0 = column * 4u;
  let c = min(vec4u(u0) + LANES, vec4u(U - 1u));
  // Each gate's gradient block: the input side's, and the recurrent side's (the last gate's is the last block).
  let inputBlocks = LANES;
  let recurrentBlocks = select(LANES, vec4u(params.gradientBlocks - 1u), LANES == vec4u(GATES - 1u));
  var region = BIAS_REGION;
  var j0 = 0u;
  var acc = GateTiles();
  if (tile < kernelTiles) {
    region = KERNEL_REGION;
    j0 = tile * 4u;
    acc = accumulateKernel(min(vec4u(j0) + LANES, vec4u(params.features - 1u)), inputBlocks, c);
  } else if (tile < kernelTiles + unitTiles) {
    region = RECURRENT_REGION;
    j0 = (tile - kernelTiles) * 4u;
    let j = min(vec4u(j0) + LANES, vec4u(U - 1u));
    if (params.savedOperand != 0u) {
      acc = accumulateRecurrent(j, recurrentBlocks, GATES - 1u, c);
      acc[GATES - 1u] = accumulateSaved(j, recurrentBlocks[GATES - 1u], c);
    } else {
      acc = accumulateRecurrent(j, recurrentBlocks, GATES, c);
    }
  } else {
    for (var g = 0u; g < GATES; g++) {
      acc[g][0] = accumulateBias(inputBlocks[g], c);
      if (params.biasRows > 1u) { acc[g][1] = accumulateBias(recurrentBlocks[g], c); }
    }
  }
  storeTile(region, j0, 0u, u0, acc[0]);
  if (GATES > 1u) { storeTile(region, j0, 1u, u0, acc[1]); }
  if (GATES > 2u) { storeTile(region, j0, 2u, u0, acc[2]); }
  if (GATES > 3u) { storeTile(region, j0, 3u, u0, acc[3]); }
}
