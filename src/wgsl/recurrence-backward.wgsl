// The backward recurrence (BPTT) of a recurrent cell, for stages [stageBegin, stageEnd) of
// timesteps × PHASES + 1:
//
//   stage i < timesteps·PHASES is phase i % PHASES of step s = timesteps-1 - i / PHASES: every tile of
//   4 batch rows × 4 units runs the cell's cellBackward(tile, phase), which turns the gradient reaching
//   h_s into the gradients of the step's gate pre-activations (dGates); the last stage runs
//   cellInitialGradient(tile): the gradient of the initial state. A storage barrier follows each stage
//   but the last.
//
// As in recurrence-forward.wgsl, each phase runs in a loop of its own and so does the last stage:
// SwiftShader runs both sides of every branch, masked, and a loop that is not entered costs little.
//
// dh is the gradient with respect to every output state, or, with params.lastStepOnly, to the last
// one only ([batch, units]; zero at earlier steps). The cell module composed after this driver
// (simple-rnn-backward.wgsl, lstm-backward.wgsl, gru-backward.wgsl) holds only the math of a step; rows,
// tiles, steps, chunks and barriers live here, laid out as in recurrence-forward.wgsl.
//
//   the cell defines     GATES, PHASES, GRADIENT_BLOCKS (blocks of `units` columns per row of
//                        dGates: GATES, or more when the recurrent kernel's gradient needs its own),
//                        fn cellBackward(t: Tile, phase: u32), fn cellInitialGradient(t: Tile),
//                        and its own bindings, after the driver's
//   the driver provides  Tile; outputGradient(t); gatesAt(t, g); gradientProducts(t, step, count);
//                        gradientProduct(t, step, b, g); storeGradient(t, b, v); initialGradientAt(t);
//                        storeInitialGradient(t, v)
// Needs a products module first (as recurrence-forward.wgsl), activation.wgsl, tile-math.wgsl,
// workgroup-order.wgsl and recurrence-tiles.wgsl.
//
// Dispatch: as recurrence-forward.wgsl.

// recurrentKernel[o .. o+3], contiguous along a row, from workgroup memory when staged.
fn weightRun(o: u32) -> vec4f {
  if (WEIGHTS_IN_WORKGROUP) {
    return vec4f(weights[o], weights[o + 1u], weights[o + 2u], weights[o + 3u]);
  }
  return vec4f(
    recurrentKernel[o],
    recurrentKernel[o + 1u],
    recurrentKernel[o + 2u],
    recurrentKernel[o + 3u],
  );
}

fn weight(o: u32) -> f32 {
  if (WEIGHTS_IN_WORKGROUP) { return weights[o]; }
  return recurrentKernel[o];
}

// Σ_k dGates[src + k] · recurrentKernel[w + k] over k < columns, for the tile's 4 rows (src) and
// 4 units (w: offsets in their kernel rows), reading the kernel along its rows.
fn backProduct(src: vec4u, w: vec4u, columns: u32) -> mat4x4f {
  let J4 = columns / 4u * 4u;
  var acc = mat4x4f();
  for (var k = 0u; k < J4; k += 4u) {
    // Column j holds kernel row u_j at k..k+3, column i of the other row i's gradient at k..k+3.
    let block = mat4x4f(weightRun(w.x + k), weightRun(w.y + k), weightRun(w.z + k), weightRun(w.w + k));
    let d = mat4x4f(dGatesRun(src.x + k), dGatesRun(src.y + k), dGatesRun(src.z + k), dGatesRun(src.w + k));
    acc += transpose(block) * d;
  }
  for (var k = J4; k < columns; k++) {
    let column = vec4f(weight(w.x + k), weight(w.y + k), weight(w.z + k), weight(w.w + k));
    let d = dGatesColumn(src, k);
    acc += mat4x4f(column * d.x, column * d.y, column * d.z, column * d.w);
  }
  return acc;
}

// dGates[rows, step, block b] · recurrentKernel[:, gate g]ᵀ at the tile's units u:
// Σ_k dGates[row, step, b·U + k] · recurrentKernel[u, g·U + k]. Unrolled, the stage's unrolledStage
// computed it already (for the step the stage reads, and the block's own gate).
fn gradientProduct(t: Tile, step: u32, b: u32, g: u32) -> mat4x4f {
  if (UNROLLED) { return productAt(t, b); }
  let U = params.units;
  return backProduct(sequenceOffsets(t, step, GRADIENT_BLOCKS * U) + b * U, t.units * (GATES * U) + g * U, U);
}

// Σ_{g < count} dGates[rows, step, block g] · recurrentKernel[:, gate g]ᵀ: the blocks and the gates
// line up, so it is one reduction over count·units contiguous columns (unrolled: a sum of blocks).
fn gradientProducts(t: Tile, step: u32, count: u32) -> mat4x4f {
  if (UNROLLED) {
    var acc = productAt(t, 0u);
    for (var g = 1u; g < count; g++) { acc += productAt(t, g); }
    return acc;
  }
  let U = params.units;
  return backProduct(sequenceOffsets(t, step, GRADIENT_BLOCKS * U), t.units * (GATES * U), count * U);
}

// The gradient reaching h_s from the loss directly: dh at the tile.
fn outputGradient(t: Tile) -> mat4x4f {
  var o = sequenceOffsets(t, t.step, params.units);
  if (params.lastStepOnly != 0u) {
    if (!isLastStep(t)) { return mat4x4f(); }
    o = batchOffsets(t);
  }
  return dhTile(o, t.units);
}

// The forward pass's pre-activations of gate g at the tile.
fn gatesAt(t: Tile, g: u32) -> mat4x4f {
  return gatesTile(sequenceOffsets(t, t.step, GATES * params.units), g * params.units + t.units);
}

fn initialGradientAt(t: Tile) -> mat4x4f {
  return dInitialStateTile(batchOffsets(t), t.units);
}

// Stores write the units below `units` of the rows below `batch`.

// Block b of dGates at the tile's step.
fn storeGradient(t: Tile, b: u32, v: mat4x4f) {
  let o = sequenceOffsets(t, t.step, GRADIENT_BLOCKS * params.units) + b * params.units + t.u0;
  storeDGatesTile(o, params.units - t.u0, rowsInBatch(t), v);
}

fn storeInitialGradient(t: Tile, v: mat4x4f) {
  storeDInitialStateTile(batchOffsets(t) + t.u0, params.units - t.u0, rowsInBatch(t), v);
}

// Unrolled: the products of every unit tile of the row tile from firstRow on, from dGates at `step`,
// for a stage of phase `phase` (the last stage: phase 0's products).
fn unrolledStage(step: u32, phase: u32, firstRow: u32) {
  let U = params.units;
  let src = sequenceOffsets(tileAt(step, false, firstRow, 0u), step, GRADIENT_BLOCKS * U);
  let blocks = operandRange(phase);
  for (var b = blocks.x; b < blocks.y; b++) {
    for (var kb = 0u; kb < OPERAND_BLOCKS; kb++) {
      let o = src + b * U + kb * 4u;
      operand[b * OPERAND_BLOCKS + kb] = mat4x4f(dGatesRun(o.x), dGatesRun(o.y), dGatesRun(o.z), dGatesRun(o.w));
    }
  }
  unrolledProducts(phase);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  selectActivations(vec2u(params.activation, params.recurrentActivation));
  stageWeights(lid);
  let place = orderedWorkgroup(wid, nwg);
  // Workgroups past the batch (a folded grid's last plane) would only read rows others write.
  if (workgroupRow(place, nwg) >= params.batch) { return; }
  let lane = laneOf(place, nwg, lid);
  let unitTiles = (params.units + 3u) / 4u;
  let stepEnd = min(params.stageEnd, params.timesteps * PHASES);
  var stage = params.stageBegin;
  while (stage < stepEnd) {
    for (; stage < stepEnd && stage % PHASES == 0u; stage++) {
      let step = params.timesteps - 1u - stage / PHASES;
      // What step + 1 sends back (at the last step there is none and the products go unused).
      if (UNROLLED) { unrolledStage(step + 1u, 0u, lane.firstRow); }
      for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
        cellBackward(tileAt(step, step == 0u, lane.firstRow, u), 0u);
      }
      storageBarrier();
    }
    for (; PHASES > 1u && stage < stepEnd && stage % PHASES == 1u; stage++) {
      let step = params.timesteps - 1u - stage / PHASES;
      if (UNROLLED) { unrolledStage(step, 1u, lane.firstRow); }
      for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
        cellBackward(tileAt(step, step == 0u, lane.firstRow, u), 1u);
      }
      storageBarrier();
    }
  }
  // The last stage of all: nothing after it in this dispatch reads what it writes, so no barrier.
  for (; stage < params.stageEnd; stage++) {
    if (UNROLLED) { unrolledStage(0u, 0u, lane.firstRow); }
    for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
      cellInitialGradient(tileAt(0u, true, lane.firstRow, u));
    }
  }
}
