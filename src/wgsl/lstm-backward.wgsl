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
//
// Bindings, after the driver's:
//   6  storage, read        saved              [batch, timesteps, units]   c from the forward pass
//   7  storage, read        initialCellState   [batch, units]  (read only when params.hasCellInput)
//   8  storage, read_write  dInitialCellState  [batch, units]

const GATES = 4u;
const PHASES = 1u;
const GRADIENT_BLOCKS = 4u;

@group(0) @binding(6) var<storage, read> saved: array<f32>;
@group(0) @binding(7) var<storage, read> initialCellState: array<f32>;
@group(0) @binding(8) var<storage, read_write> dInitialCellState: array<f32>;

fn cellStateAt(t: Tile, step: u32) -> mat4x4f {
  let o = sequenceOffsets(t, step, params.units);
  let u = t.units;
  return mat4x4f(
    vec4f(saved[o.x + u.x], saved[o.x + u.y], saved[o.x + u.z], saved[o.x + u.w]),
    vec4f(saved[o.y + u.x], saved[o.y + u.y], saved[o.y + u.z], saved[o.y + u.w]),
    vec4f(saved[o.z + u.x], saved[o.z + u.y], saved[o.z + u.z], saved[o.z + u.w]),
    vec4f(saved[o.w + u.x], saved[o.w + u.y], saved[o.w + u.z], saved[o.w + u.w]),
  );
}

fn previousCellState(t: Tile) -> mat4x4f {
  if (!t.initial) { return cellStateAt(t, t.step - 1u); }
  if (params.hasCellInput == 0u) { return mat4x4f(); }
  let o = batchOffsets(t);
  let u = t.units;
  return mat4x4f(
    vec4f(initialCellState[o.x + u.x], initialCellState[o.x + u.y], initialCellState[o.x + u.z], initialCellState[o.x + u.w]),
    vec4f(initialCellState[o.y + u.x], initialCellState[o.y + u.y], initialCellState[o.y + u.z], initialCellState[o.y + u.w]),
    vec4f(initialCellState[o.z + u.x], initialCellState[o.z + u.y], initialCellState[o.z + u.z], initialCellState[o.z + u.w]),
    vec4f(initialCellState[o.w + u.x], initialCellState[o.w + u.y], initialCellState[o.w + u.z], initialCellState[o.w + u.w]),
  );
}

// dc carried from step s+1, or dcLast at the last step when given.
fn carriedCellGradient(t: Tile) -> mat4x4f {
  if (isLastStep(t) && params.hasCellGradient == 0u) { return mat4x4f(); }
  let o = batchOffsets(t);
  let u = t.units;
  return mat4x4f(
    vec4f(dInitialCellState[o.x + u.x], dInitialCellState[o.x + u.y], dInitialCellState[o.x + u.z], dInitialCellState[o.x + u.w]),
    vec4f(dInitialCellState[o.y + u.x], dInitialCellState[o.y + u.y], dInitialCellState[o.y + u.z], dInitialCellState[o.y + u.w]),
    vec4f(dInitialCellState[o.z + u.x], dInitialCellState[o.z + u.y], dInitialCellState[o.z + u.z], dInitialCellState[o.z + u.w]),
    vec4f(dInitialCellState[o.w + u.x], dInitialCellState[o.w + u.y], dInitialCellState[o.w + u.z], dInitialCellState[o.w + u.w]),
  );
}

fn storeCarriedRow(o: u32, n: u32, v: vec4f) {
  dInitialCellState[o] = v.x;
  if (n > 1u) { dInitialCellState[o + 1u] = v.y; }
  if (n > 2u) { dInitialCellState[o + 2u] = v.z; }
  if (n > 3u) { dInitialCellState[o + 3u] = v.w; }
}

fn storeCarriedCellGradient(t: Tile, v: mat4x4f) {
  let o = batchOffsets(t) + t.u0;
  let n = params.units - t.u0;
  let valid = rowsInBatch(t);
  if (valid.x) { storeCarriedRow(o.x, n, v[0]); }
  if (valid.y) { storeCarriedRow(o.y, n, v[1]); }
  if (valid.z) { storeCarriedRow(o.z, n, v[2]); }
  if (valid.w) { storeCarriedRow(o.w, n, v[3]); }
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
