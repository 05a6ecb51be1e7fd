// LSTM, one step backward: the cell of recurrence-backward.wgsl (composed after it; the driver's header
// states the contract). With i, f, c̃, o the activated gates of lstm-forward.wgsl and R = recurrentKernel:
//
//   dh = dh_s + dGates_{s+1}·Rᵀ                          (the gradient reaching h_s)
//   dc = dc_{s+1→s} + dh ⊙ o ⊙ activation'(c_s)          (dc_{T→T-1} = dcLast or 0)
//   da_i = dc ⊙ c̃ ⊙ recurrentActivation'(a_i)     da_f = dc ⊙ c_{s-1} ⊙ recurrentActivation'(a_f)
//   da_c̃ = dc ⊙ i ⊙ activation'(a_c̃)              da_o = dh ⊙ activation(c_s) ⊙ recurrentActivation'(a_o)
//   dc_{s→s-1} = dc ⊙ f,   dh_{-1} = dGates_0·Rᵀ,   dc_{-1} = dc_{0→-1}
//
// dc_{s→s-1} is carried in dInitialCellState, which ends up holding the initial cell state's gradient;
// with params.hasCellGradient, dcLast was copied there before the dispatch.

const GATES = 4u;
const PHASES = 1u;
const GRADIENT_BLOCKS = 4u;

fn cellStateAt(t: Tile, step: u32) -> mat4x4f {
  return savedTile(sequenceOffsets(t, step, params.units), t.units);
}

fn previousCellState(t: Tile) -> mat4x4f {
  if (!t.initial) { return cellStateAt(t, t.step - 1u); }
  if (params.hasCellInput == 0u) { return mat4x4f(); }
  return initialCellStateTile(batchOffsets(t), t.units);
}

// dc carried from step s+1, or dcLast at the last step when given.
fn carriedCellGradient(t: Tile) -> mat4x4f {
  if (isLastStep(t) && params.hasCellGradient == 0u) { return mat4x4f(); }
  return dInitialCellStateTile(batchOffsets(t), t.units);
}

fn storeCarriedCellGradient(t: Tile, v: mat4x4f) {
  storeDInitialCellStateTile(batchOffsets(t) + t.u0, params.units - t.u0, rowsInBatch(t), v);
}

// Σ over the gates of dGates[step]·Rᵀ: the gradient that step's gates send back to h_{step-1}.
fn recurrentGradient(t: Tile, step: u32) -> mat4x4f {
  return gradientProducts(t, step, 4u);
}

fn cellBackward(t: Tile, phase: u32) {
  var dh = outputGradient(t);
  if (!isLastStep(t)) { dh += recurrentGradient(t, t.step + 1u); }
  let ai = gatesAt(t, 0u);
  let af = gatesAt(t, 1u);
  let ac = gatesAt(t, 2u);
  let ao = gatesAt(t, 3u);
  let i = recurrentActivateTile(ai);
  let f = recurrentActivateTile(af);
  let g = activateTile(ac);
  let o = recurrentActivateTile(ao);
  let cs = cellStateAt(t, t.step);
  let tc = activateTile(cs);
  let dc = carriedCellGradient(t) + times(times(dh, o), activateGradTile(cs, tc));
  storeGradient(t, 0u, times(times(dc, g), recurrentActivateGradTile(ai, i)));
  storeGradient(t, 1u, times(times(dc, previousCellState(t)), recurrentActivateGradTile(af, f)));
  storeGradient(t, 2u, times(times(dc, i), activateGradTile(ac, g)));
  storeGradient(t, 3u, times(times(dh, tc), recurrentActivateGradTile(ao, o)));
  storeCarriedCellGradient(t, times(dc, f));
}

fn cellInitialGradient(t: Tile) {
  storeInitialGradient(t, recurrentGradient(t, 0u));
}
