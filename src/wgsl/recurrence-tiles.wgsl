// What the two recurrence drivers (recurrence-forward.wgsl, recurrence-backward.wgsl) share: the
// tile of 4 batch rows × 4 units an invocation works on, its offsets, the workgroup's row tile, and
// the recurrent kernel staged in workgroup memory.
//
// No bindings: composed before a driver, whose Params (batch, timesteps, units) and recurrentKernel
// binding it reads, and whose cell module defines GATES.

override WORKGROUP_SIZE: u32 = 64;
override WEIGHTS_IN_WORKGROUP: bool = false;
override WORKGROUP_WEIGHTS: u32 = 1;

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

// The first batch row of the workgroup's row tile: grid y, folded into z past the per-dimension limit.
fn firstRowOf(place: vec3u, nwg: vec3u) -> u32 {
  return (place.y + place.z * nwg.y) * 4u;
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
