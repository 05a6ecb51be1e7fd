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
//                        SAVED_IS_STATE (as the forward's), CARRIES (the cell sends h_{s-1} a gradient
//                        of its own elementwise: GRU's z ⊙ dh), fn cellBackward(t: Tile, phase: u32),
//                        fn cellInitialGradient(t: Tile)
//   the driver provides  Tile; outputGradient(t); maskGradient(t, g); passOn(t, v); gatesAt(t, g);
//                        gradientProducts(t, step, count); gradientProduct(t, step, b, g);
//                        stateGradient(t, v); storeGradient(t, b, v); carriedGradient(t);
//                        storeCarried(t, v); addCarried(t, v); previousState(t) (ĥ_{s-1}); stateAt(t);
//                        previousSaved(t); savedAt(t); savedGradient(t); maskSavedGradient(t, d);
//                        storeSavedGradient(t, v); initialCarried(t); storeInitialGradient(t, v)
//
// What a step sends h_{s-1} elementwise (a cell's own part, and with masking the gradient a dropped step
// passes on) is carried in dStates' first block, which the last stage turns into the initial state's
// gradient; a cell whose saved is a state (LSTM's c) carries its gradient in the second block, which
// ends as the initial saved state's (dcLast, when given, is copied there before the dispatch). With
// masking, a row's dropped step passes the gradient reaching its states on to the step before, and its
// gates get none: the gradients of tfjs's blend new ⊙ m + previous ⊙ (1 − m).
// With recurrent dropout the cell read ĥ_{s-1} = rm ⊙ h_{s-1} (previousState gives it): whatever it sends
// ĥ_{s-1} reaches h_{s-1} times rm. passOn and addCarried apply rm to what the cell carries; the products
// the cell adds from the step after (and those of the initial state's gradient) it passes through
// stateGradient. What masking passes on reaches h_{s-1} itself, without rm.
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
  if (UNROLLED || COOPERATIVE) { return productAt(t, b); }
  let U = params.units;
  return backProduct(sequenceOffsets(t, step, GRADIENT_BLOCKS * U) + b * U, t.units * (GATES * U) + g * U, U);
}

// Σ_{g < count} dGates[rows, step, block g] · recurrentKernel[:, gate g]ᵀ: the blocks and the gates
// line up, so it is one reduction over count·units contiguous columns (unrolled, cooperative: a sum of
// blocks).
fn gradientProducts(t: Tile, step: u32, count: u32) -> mat4x4f {
  if (UNROLLED || COOPERATIVE) {
    var acc = productAt(t, 0u);
    for (var g = 1u; g < count; g++) { acc += productAt(t, g); }
    return acc;
  }
  let U = params.units;
  return backProduct(sequenceOffsets(t, step, GRADIENT_BLOCKS * U), t.units * (GATES * U), count * U);
}

// Whether dStates' first block carries from step to step: the cell's own part, or masking's.
fn carries() -> bool {
  return CARRIES || params.masking != 0u;
}

// What step s+1 sent h_s elementwise (0 at the last step, or when nothing carries).
fn carriedGradient(t: Tile) -> mat4x4f {
  if (isLastStep(t) || !carries()) { return mat4x4f(); }
  return dStatesTile(batchOffsets(t), t.units);
}

// The gradient reaching h_s from the loss directly (dh at the tile), and elementwise from step s+1.
fn outputGradient(t: Tile) -> mat4x4f {
  var d = carriedGradient(t);
  if (params.lastStepOnly == 0u) {
    d += dhTile(sequenceOffsets(t, t.step, params.units), t.units);
  } else if (isLastStep(t)) {
    d += dhTile(batchOffsets(t), t.units);
  }
  return d;
}

// What masking passes on from the step the invocation's tile is at (maskGradient sets it).
var<private> passedOn: mat4x4f;

// The gradient of the cell's new h from g, the gradient reaching h_s: m ⊙ g; (1 − m) ⊙ g passes on to
// h_{s-1} (passOn stores it). Without masking, g.
fn maskGradient(t: Tile, g: mat4x4f) -> mat4x4f {
  if (params.masking == 0u) {
    passedOn = mat4x4f();
    return g;
  }
  let m = maskTile(t);
  passedOn = times(g, ONES - m);
  return times(g, m);
}

// Stores what step s sends h_{s-1} elementwise: v, the cell's own part (sent to ĥ_{s-1}), and what
// masking passes on.
fn passOn(t: Tile, v: mat4x4f) {
  if (carries()) { storeCarried(t, recurrentDropped(t, v) + passedOn); }
}

// v, a gradient with respect to the state a cell read (ĥ = rm ⊙ h), as the gradient of h: rm ⊙ v.
fn stateGradient(t: Tile, v: mat4x4f) -> mat4x4f {
  return recurrentDropped(t, v);
}

fn storeCarried(t: Tile, v: mat4x4f) {
  storeDStatesTile(batchOffsets(t) + t.u0, params.units - t.u0, rowsInBatch(t), v);
}

// h_s at the tile.
fn stateAt(t: Tile) -> mat4x4f {
  return hTile(sequenceOffsets(t, t.step, params.units), t.units);
}

// ĥ_{s-1} = rm ⊙ h_{s-1} (h_{-1}: the initial state, or 0) at the tile: as the cell read it.
fn previousState(t: Tile) -> mat4x4f {
  if (!t.initial) { return recurrentDropped(t, hTile(sequenceOffsets(t, t.step - 1u, params.units), t.units)); }
  if (params.hasInitialState == 0u) { return mat4x4f(); }
  return recurrentDropped(t, sideTile(batchOffsets(t) + params.initialStateAt, t.units));
}

// saved at step s and s-1 (saved_{-1}: its initial value, or 0).
fn savedAt(t: Tile) -> mat4x4f {
  return savedTile(sequenceOffsets(t, t.step, params.units), t.units);
}

fn previousSaved(t: Tile) -> mat4x4f {
  if (!t.initial) { return savedTile(sequenceOffsets(t, t.step - 1u, params.units), t.units); }
  if (params.hasInitialSaved == 0u) { return mat4x4f(); }
  return sideTile(batchOffsets(t) + params.initialSavedAt, t.units);
}

// The gradient reaching saved_s from step s+1 (or dcLast at the last step, when given), when saved is
// a state: dStates' second block.
fn savedGradient(t: Tile) -> mat4x4f {
  if (isLastStep(t) && params.hasSavedGradient == 0u) { return mat4x4f(); }
  return dStatesTile(batchOffsets(t) + params.batch * params.units, t.units);
}

// As maskGradient, for the gradient d reaching saved_s: m ⊙ d to the cell, (1 − m) ⊙ d returned, for
// the cell to add to what it sends saved_{s-1}. Without masking, d and 0.
var<private> savedPassedOn: mat4x4f;

fn maskSavedGradient(t: Tile, d: mat4x4f) -> mat4x4f {
  if (params.masking == 0u) {
    savedPassedOn = mat4x4f();
    return d;
  }
  let m = maskTile(t);
  savedPassedOn = times(d, ONES - m);
  return times(d, m);
}

// Stores what step s sends saved_{s-1}: v, and what masking passes on.
fn storeSavedGradient(t: Tile, v: mat4x4f) {
  let o = batchOffsets(t) + params.batch * params.units + t.u0;
  storeDStatesTile(o, params.units - t.u0, rowsInBatch(t), v + savedPassedOn);
}

// The forward pass's pre-activations of gate g at the tile.
fn gatesAt(t: Tile, g: u32) -> mat4x4f {
  return gatesTile(sequenceOffsets(t, t.step, GATES * params.units), g * params.units + t.units);
}

// Stores write the units below `units` of the rows below `batch`.

// Block b of dGates at the tile's step.
fn storeGradient(t: Tile, b: u32, v: mat4x4f) {
  let o = sequenceOffsets(t, t.step, GRADIENT_BLOCKS * params.units) + b * params.units + t.u0;
  storeDGatesTile(o, params.units - t.u0, rowsInBatch(t), v);
}

// At the last stage: what step 0 sent the initial state elementwise (0 when nothing carries)...
fn initialCarried(t: Tile) -> mat4x4f {
  if (!carries()) { return mat4x4f(); }
  return dStatesTile(batchOffsets(t), t.units);
}

// ...and the initial state's gradient, into dStates' first block.
fn storeInitialGradient(t: Tile, v: mat4x4f) {
  storeCarried(t, v);
}

// Adds v, sent to ĥ_{s-1}, to what the tile's step sends h_{s-1} elementwise (a later phase of the same
// step).
fn addCarried(t: Tile, v: mat4x4f) {
  storeCarried(t, dStatesTile(batchOffsets(t), t.units) + recurrentDropped(t, v));
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

// Cooperative products (COOPERATIVE): one value of a stage's operand, dGates[row, step, block b] at k
// (0 past the last step, whose products go unused).
fn cooperativeOperand(step: u32, phase: u32, initial: bool, row: u32, block: u32, k: u32) -> f32 {
  if (step >= params.timesteps) { return 0.0; }
  let U = params.units;
  return dGates[(row * params.timesteps + step) * GRADIENT_BLOCKS * U + block * U + k];
}

// Cooperative products: group by group (groups: the first and the stride), the workgroup computes the
// group's products from dGates at operandStep, then one lane per unit tile runs the cell's phase at
// `step`, or its initial gradient at the last stage.
fn cooperativeTiles(step: u32, operandStep: u32, phase: u32, last: bool, firstRow: u32, groups: vec2u, lid: u32) {
  let unitTiles = (params.units + 3u) / 4u;
  let size = cooperativeUnitTiles();
  for (var g = groups.x; g * size < unitTiles; g += groups.y) {
    cooperativeStage(operandStep, phase, false, firstRow, g, lid);
    for (var u = g * size + lid; u < min(unitTiles, (g + 1u) * size); u += WORKGROUP_SIZE) {
      let t = tileAt(step, step == 0u, firstRow, u);
      if (last) {
        cellInitialGradient(t);
      } else {
        cellBackward(t, phase);
      }
    }
  }
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
  // Cooperative products: grid x spreads the groups of unit tiles.
  let groups = vec2u(place.x, nwg.x);
  let unitTiles = (params.units + 3u) / 4u;
  let stepEnd = min(params.stageEnd, params.timesteps * PHASES);
  var stage = params.stageBegin;
  while (stage < stepEnd) {
    for (; stage < stepEnd && stage % PHASES == 0u; stage++) {
      let step = params.timesteps - 1u - stage / PHASES;
      // What step + 1 sends back (at the last step there is none and the products go unused).
      if (UNROLLED) { unrolledStage(step + 1u, 0u, lane.firstRow); }
      if (COOPERATIVE) {
        cooperativeTiles(step, step + 1u, 0u, false, lane.firstRow, groups, lid);
      } else {
        for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
          cellBackward(tileAt(step, step == 0u, lane.firstRow, u), 0u);
        }
      }
      storageBarrier();
    }
    for (; PHASES > 1u && stage < stepEnd && stage % PHASES == 1u; stage++) {
      let step = params.timesteps - 1u - stage / PHASES;
      if (UNROLLED) { unrolledStage(step, 1u, lane.firstRow); }
      if (COOPERATIVE) {
        cooperativeTiles(step, step, 1u, false, lane.firstRow, groups, lid);
      } else {
        for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
          cellBackward(tileAt(step, step == 0u, lane.firstRow, u), 1u);
        }
      }
      storageBarrier();
    }
  }
  // The last stage of all: nothing after it in this dispatch reads what it writes, so no barrier.
  for (; stage < params.stageEnd; stage++) {
    if (UNROLLED) { unrolledStage(0u, 0u, lane.firstRow); }
    if (COOPERATIVE) {
      cooperativeTiles(0u, 0u, 0u, true, lane.firstRow, groups, lid);
    } else {
      for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
        cellInitialGradient(tileAt(0u, true, lane.firstRow, u));
      }
    }
  }
}
