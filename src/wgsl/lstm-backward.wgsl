// LSTM, one step backward: the cell of recurrence-backward.wgsl (composed after it; the driver's header
// states the contract). With i, f, c̃, o the activated gates of lstm-forward.wgsl and R = recurrentKernel:
//
//   dh = m ⊙ (dh_s + rm ⊙ dGates_{s+1}·Rᵀ)               (the gradient reaching h_s, masked)
//   dc = m ⊙ dc_{s+1→s} + dh ⊙ o ⊙ activation'(c_s)      (dc_{T→T-1} = dcLast or 0)
//   da_i = dc ⊙ c̃ ⊙ recurrentActivation'(a_i)     da_f = dc ⊙ c_{s-1} ⊙ recurrentActivation'(a_f)
//   da_c̃ = dc ⊙ i ⊙ activation'(a_c̃)              da_o = dh ⊙ activation(c_s) ⊙ recurrentActivation'(a_o)
//   dc_{s→s-1} = dc ⊙ f (+ (1 − m) ⊙ dc_{s+1→s}),   dh_{-1} = rm ⊙ dGates_0·Rᵀ,   dc_{-1} = dc_{0→-1}
//
// with m the step's mask (1 without masking) and rm the recurrent dropout mask (1 without; c has none).
// c is the driver's saved, a state: dc_{s→s-1} is carried in dStates' second block (savedGradient,
// storeSavedGradient), which ends as the initial cell state's.

const GATES = 4u;
const PHASES = 1u;
const GRADIENT_BLOCKS = 4u;
const SAVED_IS_STATE = true;
const CARRIES = false;

fn cellBackward(t: Tile, phase: u32) {
  var g = outputGradient(t);
  if (!isLastStep(t)) { g += stateGradient(t, gradientProducts(t, t.step + 1u, 4u)); }
  let dh = maskGradient(t, g);
  let ai = gatesAt(t, 0u);
  let af = gatesAt(t, 1u);
  let ac = gatesAt(t, 2u);
  let ao = gatesAt(t, 3u);
  let i = recurrentActivateTile(ai);
  let f = recurrentActivateTile(af);
  let c = activateTile(ac);
  let o = recurrentActivateTile(ao);
  let cs = savedAt(t);
  let tc = activateTile(cs);
  let dc = maskSavedGradient(t, savedGradient(t)) + times(times(dh, o), activateGradTile(cs, tc));
  storeGradient(t, 0u, times(times(dc, c), recurrentActivateGradTile(ai, i)));
  storeGradient(t, 1u, times(times(dc, previousSaved(t)), recurrentActivateGradTile(af, f)));
  storeGradient(t, 2u, times(times(dc, i), activateGradTile(ac, c)));
  storeGradient(t, 3u, times(times(dh, tc), recurrentActivateGradTile(ao, o)));
  storeSavedGradient(t, times(dc, f));
  passOn(t, mat4x4f());
}

fn cellInitialGradient(t: Tile) {
  storeInitialGradient(t, stateGradient(t, gradientProducts(t, 0u, 4u)) + initialCarried(t));
}
