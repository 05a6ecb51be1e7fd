// SimpleRNN, one step backward: the cell of recurrence-backward.wgsl (composed after it; the driver's
// header states the contract).
//
//   g = dh_s + rm ⊙ (dz_{s+1}·recurrentKernelᵀ) (+ what masking passed on),   dz_s = m ⊙ g ⊙ activation'(z_s)
//   dh_{-1} = rm ⊙ (dz_0·recurrentKernelᵀ) (+ what masking passed on)
//
// activation' takes z and h_s; rm is the recurrent dropout mask (1 without).

const GATES = 1u;
const PHASES = 1u;
const GRADIENT_BLOCKS = 1u;
const SAVED_IS_STATE = false;
const CARRIES = false;

fn cellBackward(t: Tile, phase: u32) {
  var g = outputGradient(t);
  if (!isLastStep(t)) { g += stateGradient(t, gradientProducts(t, t.step + 1u, 1u)); }
  let dh = maskGradient(t, g);
  storeGradient(t, 0u, times(dh, activateGradTile(gatesAt(t, 0u), stateAt(t))));
  passOn(t, mat4x4f());
}

fn cellInitialGradient(t: Tile) {
  storeInitialGradient(t, stateGradient(t, gradientProducts(t, 0u, 1u)) + initialCarried(t));
}
