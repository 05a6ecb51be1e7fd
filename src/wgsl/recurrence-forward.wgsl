// The forward recurrence of a recurrent cell, for stages [stageBegin, stageEnd) of timesteps × PHASES:
//
//   stage i is phase i % PHASES of step s = i / PHASES (steps in consumption order); in each stage
//   every tile of 4 batch rows × 4 units runs the cell's cellForward(tile, phase), then a storage
//   barrier makes the stage's writes visible to the next.
//
// SwiftShader (the CPU fallback) runs both sides of every branch, masked, while a loop that is not
// entered costs little: so the phase is a constant at each call of the cell (each phase runs in a
// loop of its own) and step 0 runs from code of its own (t.initial is a constant there), else every
// phase's and step 0's code would run at every stage.
//
// The cell module composed after this driver (simple-rnn-forward.wgsl, lstm-forward.wgsl,
// gru-forward.wgsl) holds only the math of a step; rows, tiles, steps, chunks and barriers live here.
// An invocation computes all GATES gate columns of its tile's units (u, U+u, ..., (GATES-1)U+u), so
// the cell's elementwise math never leaves the invocation. Tiles are mat4x4f values: column i is
// batch row i of the tile, its 4 components the tile's 4 units.
//
//   the cell defines     GATES, PHASES (constants or overrides), SAVED_IS_STATE (saved is a state the
//                        cell carries, LSTM's c: masking keeps it as it keeps h), fn cellForward(t:
//                        Tile, phase: u32), and optionally one input of its own, bound after the
//                        driver's bindings (params.hasCellInput says whether it is bound)
//   the driver provides  Tile; gatesAt(t, g); recurrentProducts(t, count) (of ĥ_{s-1});
//                        savedProduct(t, g); previousState(t) (ĥ_{s-1}); previousSaved(t);
//                        savedAt(t, step); storeGates(t, g, v); storeState(t, v); storeSaved(t, v)
//
// Initial states, the mask and the recurrent dropout mask come in `side` at the offsets params name.
// Masking (Keras's): at a step the mask drops, a row's h (and saved, when it is a state) carries over,
// blended as tfjs's rnn() does. Recurrent dropout (tfjs's): the cell reads ĥ_{s-1} = rm ⊙ h_{s-1}
// wherever it reads h_{s-1} (the products and previousState), while masking carries h_{s-1} itself.
// Needs a products module first (recurrence-products-loops.wgsl; unrolled for the layer's units
// by src/kernels/recurrence-products.ts: then each stage starts with unrolledStage; or
// recurrence-products-cooperative.wgsl, which reads cooperativeOperand), activation.wgsl,
// tile-math.wgsl, workgroup-order.wgsl and recurrence-tiles.wgsl (the tile and its offsets, the
// workgroup's rows, the weights staged in workgroup memory).
//
// Dispatch: grid y·z covers the row tiles (z folds them past the per-dimension limit), one workgroup
// each; its invocations stride over the unit tiles (unrolled: one row tile per invocation, all its
// unit tiles; cooperative: the workgroup computes a group's products, then a lane per unit tile runs
// the cell, group after group). Persistent mode: grid x = 1, one dispatch covers a chunk of stages, a workgroup owns
// its rows' whole state. Stepwise mode: one dispatch per stage, grid x spreads the unit tiles. With
// WEIGHTS_IN_WORKGROUP the recurrent kernel is first copied to workgroup memory (persistent mode
// with loops only; needs GATES·units² floats of it).

// recurrentKernel[k, cols], from workgroup memory when staged.
fn weights4(k: u32, cols: vec4u) -> vec4f {
  let o = k * GATES * params.units;
  if (WEIGHTS_IN_WORKGROUP) {
    return vec4f(weights[o + cols.x], weights[o + cols.y], weights[o + cols.z], weights[o + cols.w]);
  }
  return vec4f(
    recurrentKernel[o + cols.x],
    recurrentKernel[o + cols.y],
    recurrentKernel[o + cols.z],
    recurrentKernel[o + cols.w],
  );
}

// Rows k..k+3 of the recurrent kernel at columns cols: times a mat4x4f whose columns hold 4 rows'
// operands at k..k+3, it gives those rows' partial products.
fn weightBlock(k: u32, cols: vec4u) -> mat4x4f {
  return mat4x4f(weights4(k, cols), weights4(k + 1u, cols), weights4(k + 2u, cols), weights4(k + 3u, cols));
}

// The 4 rows' products with up to 4 gate blocks of the recurrent kernel.
struct GateProducts {
  g0: mat4x4f,
  g1: mat4x4f,
  g2: mat4x4f,
  g3: mat4x4f,
}

// 4 rows' operands at k (a vec4: one per row) times recurrentKernel[k, gate g's cols], as a tile.
fn outer(w: vec4f, x: vec4f) -> mat4x4f {
  return mat4x4f(w * x.x, w * x.y, w * x.z, w * x.w);
}

// ĥ[src, :] · recurrentKernel[:, g·U + cols] for the 4 rows at offsets src (their dropout mask at
// offsets drop) and the first `count` (≤ 4) gates at once: loads of the state are shared by the gates,
// and loads bound these loops.
fn productsWithH(src: vec4u, drop: vec4u, cols: vec4u, count: u32) -> GateProducts {
  let U = params.units;
  let U4 = U / 4u * 4u;
  var p = GateProducts();
  for (var k = 0u; k < U4; k += 4u) {
    var x = mat4x4f(hRun(src.x + k), hRun(src.y + k), hRun(src.z + k), hRun(src.w + k));
    if (RECURRENT_DROPOUT) { x = droppedRun(x, drop, k); }
    p.g0 += weightBlock(k, cols) * x;
    if (count > 1u) { p.g1 += weightBlock(k, cols + U) * x; }
    if (count > 2u) { p.g2 += weightBlock(k, cols + 2u * U) * x; }
    if (count > 3u) { p.g3 += weightBlock(k, cols + 3u * U) * x; }
  }
  for (var k = U4; k < U; k++) {
    var x = hColumn(src, k);
    if (RECURRENT_DROPOUT) { x *= sideColumn(drop, k); }
    p.g0 += outer(weights4(k, cols), x);
    if (count > 1u) { p.g1 += outer(weights4(k, cols + U), x); }
    if (count > 2u) { p.g2 += outer(weights4(k, cols + 2u * U), x); }
    if (count > 3u) { p.g3 += outer(weights4(k, cols + 3u * U), x); }
  }
  return p;
}

// rm ⊙ initialState[src, :] · recurrentKernel, as productsWithH: once per sequence, so kept simple.
fn productsWithInitialState(src: vec4u, drop: vec4u, cols: vec4u, count: u32) -> GateProducts {
  let U = params.units;
  var p = GateProducts();
  for (var k = 0u; k < U; k++) {
    var x = sideColumn(src, k);
    if (RECURRENT_DROPOUT) { x *= sideColumn(drop, k); }
    p.g0 += outer(weights4(k, cols), x);
    if (count > 1u) { p.g1 += outer(weights4(k, cols + U), x); }
    if (count > 2u) { p.g2 += outer(weights4(k, cols + 2u * U), x); }
    if (count > 3u) { p.g3 += outer(weights4(k, cols + 3u * U), x); }
  }
  return p;
}

// 0 · recurrentKernel: zero, but NaN where the kernel holds an Infinity or NaN, as in tfjs, whose
// layers multiply a zero initial state.
fn productsWithZeros(cols: vec4u, count: u32) -> GateProducts {
  let U = params.units;
  var w = mat4x4f();
  for (var k = 0u; k < U; k++) {
    w[0] += weights4(k, cols) * 0.0;
    if (count > 1u) { w[1] += weights4(k, cols + U) * 0.0; }
    if (count > 2u) { w[2] += weights4(k, cols + 2u * U) * 0.0; }
    if (count > 3u) { w[3] += weights4(k, cols + 3u * U) * 0.0; }
  }
  let ones = vec4f(1.0);
  return GateProducts(outer(w[0], ones), outer(w[1], ones), outer(w[2], ones), outer(w[3], ones));
}

// saved[src, :] · recurrentKernel[:, cols], one gate.
fn productWithSaved(src: vec4u, cols: vec4u) -> mat4x4f {
  let U = params.units;
  let U4 = U / 4u * 4u;
  var acc = mat4x4f();
  for (var k = 0u; k < U4; k += 4u) {
    acc += weightBlock(k, cols) * mat4x4f(
      savedRun(src.x + k),
      savedRun(src.y + k),
      savedRun(src.z + k),
      savedRun(src.w + k),
    );
  }
  for (var k = U4; k < U; k++) {
    acc += outer(weights4(k, cols), savedColumn(src, k));
  }
  return acc;
}

fn gateColumns(t: Tile, g: u32) -> vec4u {
  return g * params.units + t.units;
}

// What gates holds for gate g at the tile: the input projection (x·kernel + bias) that
// input-projection.wgsl left there, until the cell stores its pre-activation over it.
fn gatesAt(t: Tile, g: u32) -> mat4x4f {
  return gatesTile(sequenceOffsets(t, t.step, GATES * params.units), gateColumns(t, g));
}

// ĥ_{s-1} · recurrentKernel for the first `count` gates, with h_{-1} = initialState or 0.
fn recurrentProducts(t: Tile, count: u32) -> GateProducts {
  if ((!t.initial && UNROLLED) || COOPERATIVE) {
    var p = GateProducts(productAt(t, 0u), mat4x4f(), mat4x4f(), mat4x4f());
    if (count > 1u) { p.g1 = productAt(t, 1u); }
    if (count > 2u) { p.g2 = productAt(t, 2u); }
    if (count > 3u) { p.g3 = productAt(t, 3u); }
    return p;
  }
  let drop = dropOffsets(t.rows);
  if (!t.initial) { return productsWithH(sequenceOffsets(t, t.step - 1u, params.units), drop, t.units, count); }
  if (params.hasInitialState != 0u) {
    return productsWithInitialState(batchOffsets(t) + params.initialStateAt, drop, t.units, count);
  }
  return productsWithZeros(t.units, count);
}

// saved[rows, s] · recurrentKernel[:, gate g]: saved must be complete for the step (an earlier phase).
fn savedProduct(t: Tile, g: u32) -> mat4x4f {
  if (UNROLLED || COOPERATIVE) { return productAt(t, g); }
  return productWithSaved(sequenceOffsets(t, t.step, params.units), gateColumns(t, g));
}

// ĥ_{s-1} = rm ⊙ h_{s-1} at the tile's units: h_{s-1} as the cell reads it.
fn previousState(t: Tile) -> mat4x4f {
  return recurrentDropped(t, previousH(t));
}

// h_{s-1} itself at the tile's units, with h_{-1} = the initial state or 0.
fn previousH(t: Tile) -> mat4x4f {
  if (!t.initial) { return hTile(sequenceOffsets(t, t.step - 1u, params.units), t.units); }
  if (params.hasInitialState == 0u) { return mat4x4f(); }
  return sideTile(batchOffsets(t) + params.initialStateAt, t.units);
}

// saved[rows, step] at the tile's units.
fn savedAt(t: Tile, step: u32) -> mat4x4f {
  return savedTile(sequenceOffsets(t, step, params.units), t.units);
}

// saved at step s-1, with saved_{-1} = its initial value (LSTM's initial cell state) or 0.
fn previousSaved(t: Tile) -> mat4x4f {
  if (!t.initial) { return savedAt(t, t.step - 1u); }
  if (params.hasInitialSaved == 0u) { return mat4x4f(); }
  return sideTile(batchOffsets(t) + params.initialSavedAt, t.units);
}

// Stores write the units below `units` of the rows below `batch`.

// The cell's pre-activations of gate g.
fn storeGates(t: Tile, g: u32, v: mat4x4f) {
  let o = sequenceOffsets(t, t.step, GATES * params.units) + g * params.units + t.u0;
  storeGatesTile(o, params.units - t.u0, rowsInBatch(t), v);
}

// A masked row keeps its states at a step: new ⊙ m + previous ⊙ (1 − m), as tfjs's rnn() blends them
// (arithmetic, so that NaN and Infinity travel as they do there).
fn masked(t: Tile, v: mat4x4f, previous: mat4x4f) -> mat4x4f {
  let m = maskTile(t);
  return times(v, m) + times(previous, ONES - m);
}

// h_s, and at the last step `lastStates`' first block when requested.
fn storeState(t: Tile, v: mat4x4f) {
  let n = params.units - t.u0;
  let valid = rowsInBatch(t);
  var h = v;
  if (params.masking != 0u) { h = masked(t, v, previousH(t)); }
  storeHTile(sequenceOffsets(t, t.step, params.units) + t.u0, n, valid, h);
  if (params.hasLast != 0u && isLastStep(t)) { storeLastStatesTile(batchOffsets(t) + t.u0, n, valid, h); }
}

// saved at step s, and at the last step `lastStates`' second block when requested.
fn storeSaved(t: Tile, v: mat4x4f) {
  let n = params.units - t.u0;
  let valid = rowsInBatch(t);
  var s = v;
  if (SAVED_IS_STATE && params.masking != 0u) { s = masked(t, v, previousSaved(t)); }
  storeSavedTile(sequenceOffsets(t, t.step, params.units) + t.u0, n, valid, s);
  if (params.hasLastSaved != 0u && isLastStep(t)) {
    storeLastStatesTile(batchOffsets(t) + params.batch * params.units + t.u0, n, valid, s);
  }
}

// Unrolled: the products of every unit tile of the row tile from firstRow on, for a stage of `step`:
// phase 0 from ĥ_{step-1} (not at step 0, whose products come from the initial state), phase 1 from
// saved at the step.
fn unrolledStage(step: u32, phase: u32, firstRow: u32) {
  let t = tileAt(step, false, firstRow, 0u);
  let src = sequenceOffsets(t, select(step, step - 1u, phase == 0u), params.units);
  let drop = dropOffsets(t.rows);
  for (var kb = 0u; kb < OPERAND_BLOCKS; kb++) {
    let k = kb * 4u;
    if (phase == 0u) {
      operand[kb] = mat4x4f(hRun(src.x + k), hRun(src.y + k), hRun(src.z + k), hRun(src.w + k));
      if (RECURRENT_DROPOUT) { operand[kb] = droppedRun(operand[kb], drop, k); }
    } else {
      operand[kb] = mat4x4f(savedRun(src.x + k), savedRun(src.y + k), savedRun(src.z + k), savedRun(src.w + k));
    }
  }
  unrolledProducts(phase);
}

// Cooperative products (COOPERATIVE): one value of a stage's operand, row `row` at column k: ĥ_{s-1} in
// phase 0 (at step 0 the initial state, or 0: 0 · recurrentKernel then gives NaN where the kernel holds
// an Infinity or NaN, as in tfjs), saved at the step in phase 1 (GRU's r ⊙ ĥ_{s-1}).
fn cooperativeOperand(step: u32, phase: u32, initial: bool, row: u32, block: u32, k: u32) -> f32 {
  let U = params.units;
  if (phase == 1u) { return saved[(row * params.timesteps + step) * U + k]; }
  var v = 0.0;
  if (!initial) {
    v = h[(row * params.timesteps + step - 1u) * U + k];
  } else if (params.hasInitialState != 0u) {
    v = side[params.initialStateAt + row * U + k];
  }
  if (RECURRENT_DROPOUT) { v *= side[params.recurrentDropoutAt + row * U + k]; }
  return v;
}

// Cooperative products: group by group (groups: the first and the stride), the workgroup computes the
// group's products, then one lane per unit tile runs the cell on them.
fn cooperativeTiles(step: u32, phase: u32, initial: bool, firstRow: u32, groups: vec2u, lid: u32) {
  let unitTiles = (params.units + 3u) / 4u;
  let size = cooperativeUnitTiles();
  for (var g = groups.x; g * size < unitTiles; g += groups.y) {
    cooperativeStage(step, phase, initial, firstRow, g, lid);
    for (var u = g * size + lid; u < min(unitTiles, (g + 1u) * size); u += WORKGROUP_SIZE) {
      cellForward(tileAt(step, initial, firstRow, u), phase);
    }
  }
}

// Stages [begin, end), all of step 0 (initial) or none, each phase in a loop of its own.
fn forwardStages(begin: u32, end: u32, initial: bool, lane: Lane, groups: vec2u, lid: u32) {
  let unitTiles = (params.units + 3u) / 4u;
  var stage = begin;
  while (stage < end) {
    for (; stage < end && stage % PHASES == 0u; stage++) {
      if (UNROLLED && !initial) { unrolledStage(stage / PHASES, 0u, lane.firstRow); }
      if (COOPERATIVE) {
        cooperativeTiles(stage / PHASES, 0u, initial, lane.firstRow, groups, lid);
      } else {
        for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
          cellForward(tileAt(stage / PHASES, initial, lane.firstRow, u), 0u);
        }
      }
      storageBarrier();
    }
    for (; PHASES > 1u && stage < end && stage % PHASES == 1u; stage++) {
      if (UNROLLED) { unrolledStage(stage / PHASES, 1u, lane.firstRow); }
      if (COOPERATIVE) {
        cooperativeTiles(stage / PHASES, 1u, initial, lane.firstRow, groups, lid);
      } else {
        for (var u = lane.firstUnit; u < unitTiles; u += lane.unitStride) {
          cellForward(tileAt(stage / PHASES, initial, lane.firstRow, u), 1u);
        }
      }
      storageBarrier();
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
  // Step 0's stages, then the others'.
  forwardStages(params.stageBegin, min(params.stageEnd, PHASES), true, lane, groups, lid);
  forwardStages(max(params.stageBegin, PHASES), params.stageEnd, false, lane, groups, lid);
}
