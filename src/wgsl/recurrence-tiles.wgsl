// What the two recurrence drivers (recurrence-forward.wgsl, recurrence-backward.wgsl) share: the
// tile of 4 batch rows × 4 units an invocation works on, its offsets, the workgroup's row tile, and
// the recurrent kernel staged in workgroup memory.
//
// No bindings: composed before a driver, whose Params (batch, timesteps, units) and recurrentKernel
// binding it reads, and whose cell module defines GATES; after a products module
// (loops, cooperative, or unrolled: see src/kernels/recurrence-products.ts).

override WORKGROUP_SIZE: u32 = 64;
override WEIGHTS_IN_WORKGROUP: bool = false;
override WORKGROUP_WEIGHTS: u32 = 1;
// A recurrent dropout mask is in `side` (an override: without one, none of its code is compiled).
override RECURRENT_DROPOUT: bool = false;

var<workgroup> weights: array<f32, WORKGROUP_WEIGHTS>;

struct Tile {
  step: u32,
  // The first batch row; stores skip rows from here on that are past the batch.
  firstRow: u32,
  // The 4 batch rows, clamped to the last, for loads.
  rows: vec4u,
  // The first unit; stores skip units past `units`.
  u0: u32,
  // The 4 units, clamped to the last, for loads.
  units: vec4u,
  // step == 0, where h_{s-1} is the initial state (or 0). The forward driver runs step 0 from code of
  // its own, where this is a constant: SwiftShader runs both sides of every branch (masked), and the
  // initial state's code would otherwise run at every step.
  initial: bool,
}

const LANES = vec4u(0u, 1u, 2u, 3u);

// Unit tile u at `step` (step 0 exactly when `initial`) of the row tile from firstRow on.
fn tileAt(step: u32, initial: bool, firstRow: u32, u: u32) -> Tile {
  let u0 = u * 4u;
  let rows = min(vec4u(firstRow) + LANES, vec4u(params.batch - 1u));
  return Tile(step, firstRow, rows, u0, min(vec4u(u0) + LANES, vec4u(params.units - 1u)), initial);
}

// Where an invocation works: its row tile from firstRow on, and the unit tiles firstUnit, firstUnit +
// unitStride, ...
struct Lane {
  firstRow: u32,
  firstUnit: u32,
  unitStride: u32,
}

// Workgroups run along grid y, folded into z past the per-dimension limit. With loops, a workgroup
// takes one row tile and its invocations stride over the unit tiles (grid x spreads them further);
// unrolled, each invocation takes a row tile and all its units.
fn workgroupRow(place: vec3u, nwg: vec3u) -> u32 {
  let rowTiles = select(1u, WORKGROUP_SIZE, UNROLLED);
  return (place.y + place.z * nwg.y) * rowTiles * 4u;
}

fn laneOf(place: vec3u, nwg: vec3u, lid: u32) -> Lane {
  if (UNROLLED) { return Lane(workgroupRow(place, nwg) + lid * 4u, 0u, 1u); }
  return Lane(workgroupRow(place, nwg), place.x * WORKGROUP_SIZE + lid, nwg.x * WORKGROUP_SIZE);
}

// Unrolled products (UNROLLED): the invocation's rows' operand for the stage, in blocks of 4
// columns (column i = row i), and the products the products module computes from it (its productAt reads
// them).
var<private> operand: array<mat4x4f, OPERAND_SLOTS>;
var<private> products: array<mat4x4f, PRODUCT_SLOTS>;

// The step's mask at the tile's rows (params.masking: 0 none, 1 a [batch, timesteps] mask in `side`, 2
// [batch] lengths): 1 keeps the step, 0 drops it. A mask word keeps unless its bits are ±0, so float
// masks and int or bool ones (tfjs keeps those as int32) read alike. Time runs in the original order.
fn stepMask(t: Tile) -> vec4f {
  if (params.masking == 0u) { return vec4f(1.0); }
  let time = select(t.step, params.timesteps - 1u - t.step, params.goBackwards != 0u);
  if (params.masking == 1u) {
    let words = bitcast<vec4u>(sideColumn(params.maskAt + t.rows * params.timesteps, time));
    return select(vec4f(0.0), vec4f(1.0), (words & vec4u(0x7fffffffu)) != vec4u(0u));
  }
  let lengths = bitcast<vec4i>(sideColumn(params.maskAt + t.rows, 0u));
  return select(vec4f(0.0), vec4f(1.0), vec4i(i32(time)) < lengths);
}

// stepMask as a tile: column i is row i's mask, for each of its units.
fn maskTile(t: Tile) -> mat4x4f {
  let m = stepMask(t);
  return mat4x4f(vec4f(m.x), vec4f(m.y), vec4f(m.z), vec4f(m.w));
}

// Recurrent dropout (RECURRENT_DROPOUT: a [batch, units] mask rm in `side` at params.recurrentDropoutAt,
// fixed across the steps): a cell reads ĥ_{s-1} = rm ⊙ h_{s-1} wherever it reads h_{s-1}, so the gradients it sends ĥ
// reach h times rm. v ⊙ rm at the tile, or v without recurrent dropout.
fn recurrentDropped(t: Tile, v: mat4x4f) -> mat4x4f {
  if (!RECURRENT_DROPOUT) { return v; }
  return times(v, sideTile(dropOffsets(t.rows), t.units));
}

// Offsets of rows' recurrent dropout mask in `side`.
fn dropOffsets(rows: vec4u) -> vec4u {
  return rows * params.units + params.recurrentDropoutAt;
}

// 4 rows' operands at k..k+3 (column i = row i) times their recurrent dropout mask there.
fn droppedRun(x: mat4x4f, drop: vec4u, k: u32) -> mat4x4f {
  return times(x, mat4x4f(sideRun(drop.x + k), sideRun(drop.y + k), sideRun(drop.z + k), sideRun(drop.w + k)));
}

fn isLastStep(t: Tile) -> bool {
  return t.step + 1u == params.timesteps;
}

// Offsets of the tile's rows in a [batch, units] array.
fn batchOffsets(t: Tile) -> vec4u {
  return t.rows * params.units;
}

// Offsets of the tile's rows at `step` in a [batch, timesteps, width] sequence.
fn sequenceOffsets(t: Tile, step: u32, width: u32) -> vec4u {
  return (t.rows * params.timesteps + step) * width;
}

// Which of the tile's 4 rows are in the batch.
fn rowsInBatch(t: Tile) -> vec4<bool> {
  return vec4u(t.firstRow) + LANES < vec4u(params.batch);
}

// With WEIGHTS_IN_WORKGROUP, copies the recurrent kernel to workgroup memory; every lane calls it first.
fn stageWeights(lid: u32) {
  if (WEIGHTS_IN_WORKGROUP) {
    for (var i = lid; i < GATES * params.units * params.units; i += WORKGROUP_SIZE) {
      weights[i] = recurrentKernel[i];
    }
    workgroupBarrier();
  }
}
