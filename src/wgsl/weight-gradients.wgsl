// Weight gradients of a recurrent layer: one GEMM over all batch·timesteps rows r = (b, s), for every
// gate g's block of `units` columns.
//
//   dKernel[:, g]          = Σ_r (x[b, t(s), :] ⊙ dm[b, :])ᵀ dGates[r, g]   t(s) = goBackwards ? T-1-s : s
//   dRecurrentKernel[:, g] = Σ_r operand_g[r]ᵀ dGates[r, recurrent(g)]      operand = rm[b, :] ⊙ h[b, s-1, :]
//   dBias[0, g] = Σ_r dGates[r, g],   dBias[1, g] = Σ_r dGates[r, recurrent(g)]   (the second row: biasRows = 2)
//
// h[b, -1, :] is the initial state or 0. The initial state and the dropout masks (dm of the input
// [batch, features] with INPUT_DROPOUT, rm of the recurrent state [batch, units] with RECURRENT_DROPOUT;
// 1 without) are in `side` at the offsets params name (side-inputs.ts), folded into the operands' loads.
// The input side reads the gate blocks 0..GATES-1 of dGates; the recurrent side reads the same, except
// that the last gate reads the last stored block (its own when a cell stores gradientBlocks > GATES: GRU
// resetAfter's recurrent h̃ gradient) and, with SAVED_OPERAND, takes saved[b, s, :] as its operand (GRU's
// r ⊙ rm ⊙ h_{s-1}). Padding rows are masked with select, never by multiplying with 0, which would turn an
// Infinity into NaN.
//
// The rows are split: grid z is the split, and each invocation sums params.rowsPerSplit rows, in
// blocks of BLOCK_ROWS added into the total, so sums over B·T = 262,144 rows stay accurate and no
// invocation loops long (llvmpipe ends every invocation's loops after 65,535 iterations). With one
// split the outputs are the gradients; with more, each output binding holds one partial per split,
// one after the other, and weight-gradient-splits.wgsl adds them up. Needs workgroup-order.wgsl,
// input-rows.wgsl and weight-gradients-outputs.wgsl.
//
// Dispatch: each invocation owns 4 output rows × 4 units of every gate's block (GATES, the cell's
// gate count, is an override) and reduces over its split's rows: the operand's loads are shared by the
// gates, and on SwiftShader, which runs both sides of every branch, gate counts known when the shader
// compiles leave no dead gate code. In dRecurrentKernel an invocation owns RECURRENT_TILES such tiles
// stacked (4·RECURRENT_TILES rows), which share each load of dGates. Grid x covers the unit tiles;
// grid y the tile rows of the three outputs stacked: ceil(features/4) of dKernel,
// ceil(units/4/RECURRENT_TILES) of dRecurrentKernel, then one for dBias; grid z the splits.

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
// Gate blocks of `units` columns: 1 (SimpleRNN), 3 (GRU) or 4 (LSTM).
override GATES: u32 = 1;
// The last gate's recurrent operand is saved[b, s, :] (GRU without resetAfter's r ⊙ h_{s-1}).
override SAVED_OPERAND: bool = false;
// Tiles of 4 dRecurrentKernel rows per invocation: 1, 2 or 4 (more share each load of dGates).
override RECURRENT_TILES: u32 = 1;
// The dropout masks of the input and of the recurrent state are in `side` (overrides: without them, none
// of their code is compiled).
override INPUT_DROPOUT: bool = false;
override RECURRENT_DROPOUT: bool = false;


const LANES = vec4u(0u, 1u, 2u, 3u);
// Rows per partial sum.
const BLOCK_ROWS = 256u;

// This invocation's rows [rowBegin, rowEnd) (its split is in weight-gradients-outputs.wgsl).
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


// Gradient blocks blocks[g] of the 4 rows r (zero where not valid), for the first `count` gates.
fn gateBlocks(r: vec4u, valid: vec4<bool>, blocks: vec4u, count: u32, c: vec4u) -> GateSums {
  var p = GateSums();
  p.g0 = gradientBlock(r, valid, blocks.x, c);
  if (count > 1u) { p.g1 = gradientBlock(r, valid, blocks.y, c); }
  if (count > 2u) { p.g2 = gradientBlock(r, valid, blocks.z, c); }
  if (count > 3u) { p.g3 = gradientBlock(r, valid, blocks.w, c); }
  return p;
}

// Each gate's block (the first `count`) times the operand.
fn timesOperand(g: GateSums, count: u32, operand: mat4x4f) -> GateSums {
  var p = GateSums();
  p.g0 = g.g0 * operand;
  if (count > 1u) { p.g1 = g.g1 * operand; }
  if (count > 2u) { p.g2 = g.g2 * operand; }
  if (count > 3u) { p.g3 = g.g3 * operand; }
  return p;
}

fn products(r: vec4u, valid: vec4<bool>, blocks: vec4u, count: u32, c: vec4u, operand: mat4x4f) -> GateSums {
  return timesOperand(gateBlocks(r, valid, blocks, count, c), count, operand);
}

// The sums of RECURRENT_TILES stacked tiles (the first used).
struct TileSums {
  t0: GateSums,
  t1: GateSums,
  t2: GateSums,
  t3: GateSums,
}

fn addTiles(a: TileSums, b: TileSums) -> TileSums {
  var s = a;
  s.t0 = addSums(a.t0, b.t0);
  if (RECURRENT_TILES > 1u) { s.t1 = addSums(a.t1, b.t1); }
  if (RECURRENT_TILES > 2u) { s.t2 = addSums(a.t2, b.t2); s.t3 = addSums(a.t3, b.t3); }
  return s;
}

// The gates' blocks times the operand of each stacked tile: operands[i] is tile i's.
fn timesOperands(g: GateSums, count: u32, operands: array<mat4x4f, 4>) -> TileSums {
  var p = TileSums();
  p.t0 = timesOperand(g, count, operands[0]);
  if (RECURRENT_TILES > 1u) { p.t1 = timesOperand(g, count, operands[1]); }
  if (RECURRENT_TILES > 2u) { p.t2 = timesOperand(g, count, operands[2]); p.t3 = timesOperand(g, count, operands[3]); }
  return p;
}

// The columns of stacked tile i from row j0 on, clamped to the last unit.
fn tileColumns(j0: u32, i: u32) -> vec4u {
  return min(vec4u(j0 + 4u * i) + LANES, vec4u(params.units - 1u));
}

// The recurrent side's operand sources (a constant at each call: the switch folds away).
const STATE = 0u;
const INITIAL_STATE = 1u;
const SAVED = 2u;

// v, column k of 4 rows' states, times their recurrent dropout mask (its rows at offsets drop in side).
fn recurrentDropped(v: vec4f, drop: vec4u, k: u32) -> vec4f {
  if (!RECURRENT_DROPOUT) { return v; }
  return v * sideColumn(drop, k);
}

// Column k of the source at the 4 rows at offsets o (their recurrent dropout mask at drop); h_{s-1} is 0
// where there is no previous step.
fn sourceColumn(source: u32, o: vec4u, drop: vec4u, hasPrevious: vec4<bool>, k: u32) -> vec4f {
  switch source {
    case STATE: { return select(vec4f(0.0), recurrentDropped(hColumn(o, k), drop, k), hasPrevious); }
    case INITIAL_STATE: { return recurrentDropped(sideColumn(o, k), drop, k); }
    default: { return savedColumn(o, k); }
  }
}

fn sourceOperand(source: u32, o: vec4u, drop: vec4u, hasPrevious: vec4<bool>, j: vec4u) -> mat4x4f {
  return mat4x4f(
    sourceColumn(source, o, drop, hasPrevious, j.x),
    sourceColumn(source, o, drop, hasPrevious, j.y),
    sourceColumn(source, o, drop, hasPrevious, j.z),
    sourceColumn(source, o, drop, hasPrevious, j.w),
  );
}

// The stacked tiles' operands from the source.
fn sourceOperands(source: u32, o: vec4u, drop: vec4u, hasPrevious: vec4<bool>, j0: u32) -> array<mat4x4f, 4> {
  var m: array<mat4x4f, 4>;
  m[0] = sourceOperand(source, o, drop, hasPrevious, tileColumns(j0, 0u));
  if (RECURRENT_TILES > 1u) { m[1] = sourceOperand(source, o, drop, hasPrevious, tileColumns(j0, 1u)); }
  if (RECURRENT_TILES > 2u) {
    m[2] = sourceOperand(source, o, drop, hasPrevious, tileColumns(j0, 2u));
    m[3] = sourceOperand(source, o, drop, hasPrevious, tileColumns(j0, 3u));
  }
  return m;
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

fn accumulateKernel(j: vec4u, blocks: vec4u, c: vec4u) -> GateSums {
  var acc = GateSums();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = GateSums();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      let src = inputRowOffset(b.r);
      var operand = mat4x4f(xColumn(src, j.x), xColumn(src, j.y), xColumn(src, j.z), xColumn(src, j.w));
      if (INPUT_DROPOUT) {
        let drop = inputDropoutOffset(b.r);
        operand = mat4x4f(
          operand[0] * sideColumn(drop, j.x),
          operand[1] * sideColumn(drop, j.y),
          operand[2] * sideColumn(drop, j.z),
          operand[3] * sideColumn(drop, j.w),
        );
      }
      part = addSums(part, products(b.r, b.valid, blocks, GATES, c, operand));
    }
    acc = addSums(acc, part);
  }
  return acc;
}

// operand rm ⊙ h_{s-1} at the stacked tiles' columns from j0 on, for the first `count` gates. Rows at
// s = 0 take the initial state below; without one, their operand is 0 and still multiplies
// (0 · NaN is NaN, as in tfjs).
fn accumulateRecurrent(j0: u32, blocks: vec4u, count: u32, c: vec4u) -> TileSums {
  let T = params.timesteps;
  let U = params.units;
  let withoutInitialState = vec4<bool>(params.hasInitialState == 0u);
  var acc = TileSums();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = TileSums();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      let hasPrevious = b.s > vec4u(0u);
      let prev = select(b.r, b.r - 1u, hasPrevious) * U;
      let g = gateBlocks(b.r, b.valid & (hasPrevious | withoutInitialState), blocks, count, c);
      let drop = (b.r - b.s) / T * U + params.recurrentDropoutAt;
      part = addTiles(part, timesOperands(g, count, sourceOperands(STATE, prev, drop, hasPrevious, j0)));
    }
    acc = addTiles(acc, part);
  }
  if (params.hasInitialState != 0u) {
    // The batch rows whose first step lies in this split.
    let batchEnd = min(params.batch, (rowEnd + T - 1u) / T);
    for (var b0 = (rowBegin + T - 1u) / T; b0 < batchEnd; b0 += 4u) {
      let b = min(b0 + LANES, vec4u(batchEnd - 1u));
      let g = gateBlocks(b * T, b0 + LANES < vec4u(batchEnd), blocks, count, c);
      let at = b * U + params.initialStateAt;
      let operands = sourceOperands(INITIAL_STATE, at, b * U + params.recurrentDropoutAt, vec4<bool>(true), j0);
      acc = addTiles(acc, timesOperands(g, count, operands));
    }
  }
  return acc;
}

// operand saved[b, s] (the same row) at the stacked tiles' columns from j0 on, one gradient block:
// tile i's sum in gate 0 of its GateSums.
fn accumulateSaved(j0: u32, block: u32, c: vec4u) -> TileSums {
  var acc = TileSums();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = TileSums();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      let g = GateSums(gradientBlock(b.r, b.valid, block, c), mat4x4f(), mat4x4f(), mat4x4f());
      let operands = sourceOperands(SAVED, b.r * params.units, vec4u(0u), vec4<bool>(true), j0);
      part = addTiles(part, timesOperands(g, 1u, operands));
    }
    acc = addTiles(acc, part);
  }
  return acc;
}

// Σ_r dGates[r, blocks[g]] for every gate, in column 0 of each gate's tile.
fn accumulateBias(blocks: vec4u, c: vec4u) -> GateSums {
  let ones = vec4f(1.0);
  var acc = GateSums();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = GateSums();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += 4u) {
      let b = rowsFrom(r0);
      part.g0[0] += gradientBlock(b.r, b.valid, blocks.x, c) * ones;
      if (GATES > 1u) { part.g1[0] += gradientBlock(b.r, b.valid, blocks.y, c) * ones; }
      if (GATES > 2u) { part.g2[0] += gradientBlock(b.r, b.valid, blocks.z, c) * ones; }
      if (GATES > 3u) { part.g3[0] += gradientBlock(b.r, b.valid, blocks.w, c) * ones; }
    }
    acc = addSums(acc, part);
  }
  return acc;
}

// Gate g's tile replaced.
fn withGate(sums: GateSums, g: u32, tile: mat4x4f) -> GateSums {
  var s = sums;
  switch g {
    case 0u: { s.g0 = tile; }
    case 1u: { s.g1 = tile; }
    case 2u: { s.g2 = tile; }
    default: { s.g3 = tile; }
  }
  return s;
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
  let recurrentTiles = (unitTiles + RECURRENT_TILES - 1u) / RECURRENT_TILES;
  let place = orderedWorkgroup(wid, nwg);
  let column = place.x * WORKGROUP_X + lid.x;
  let tile = place.y * WORKGROUP_Y + lid.y;
  if (column >= unitTiles || tile >= kernelTiles + recurrentTiles + u32(params.biasRows > 0u)) { return; }
  split = place.z;
  rowBegin = split * params.rowsPerSplit;
  rowEnd = min(rowBegin + params.rowsPerSplit, params.batch * params.timesteps);

  let u0 = column * 4u;
  let c = min(vec4u(u0) + LANES, vec4u(U - 1u));
  let inputBlocks = vec4u(0u, 1u, 2u, 3u);
  // The recurrent side's gradient blocks: the last gate's is the last block.
  let recurrentBlocks = select(inputBlocks, vec4u(params.gradientBlocks - 1u), inputBlocks == vec4u(GATES - 1u));
  if (tile < kernelTiles) {
    let j0 = tile * 4u;
    storeTiles(
      KERNEL_REGION,
      j0,
      u0,
      accumulateKernel(min(vec4u(j0) + LANES, vec4u(params.features - 1u)), inputBlocks, c),
    );
  } else if (tile < kernelTiles + recurrentTiles) {
    let j0 = (tile - kernelTiles) * 4u * RECURRENT_TILES;
    var sums: TileSums;
    if (SAVED_OPERAND) {
      let last = GATES - 1u;
      let recurrent = accumulateRecurrent(j0, recurrentBlocks, last, c);
      let saved = accumulateSaved(j0, recurrentBlocks[last], c);
      sums = TileSums(
        withGate(recurrent.t0, last, saved.t0.g0),
        withGate(recurrent.t1, last, saved.t1.g0),
        withGate(recurrent.t2, last, saved.t2.g0),
        withGate(recurrent.t3, last, saved.t3.g0),
      );
    } else {
      sums = accumulateRecurrent(j0, recurrentBlocks, GATES, c);
    }
    storeTiles(RECURRENT_REGION, j0, u0, sums.t0);
    if (RECURRENT_TILES > 1u) { storeTiles(RECURRENT_REGION, j0 + 4u, u0, sums.t1); }
    if (RECURRENT_TILES > 2u) {
      storeTiles(RECURRENT_REGION, j0 + 8u, u0, sums.t2);
      storeTiles(RECURRENT_REGION, j0 + 12u, u0, sums.t3);
    }
  } else {
    let input = accumulateBias(inputBlocks, c);
    var recurrent = GateSums();
    if (params.biasRows > 1u) { recurrent = accumulateBias(recurrentBlocks, c); }
    // Row 0: the input side's sums; row 1 (two bias rows): the recurrent side's.
    let zero = vec4f(0.0);
    storeTiles(BIAS_REGION, 0u, u0, GateSums(
      mat4x4f(input.g0[0], recurrent.g0[0], zero, zero),
      mat4x4f(input.g1[0], recurrent.g1[0], zero, zero),
      mat4x4f(input.g2[0], recurrent.g2[0], zero, zero),
      mat4x4f(input.g3[0], recurrent.g3[0], zero, zero),
    ));
  }
}
