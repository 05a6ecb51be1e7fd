// SimpleRNN, one step backward: the cell of recurrence-backward.wgsl (composed after it; the driver's
// header states the contract).
//
//   dz_s = (dh_s + dz_{s+1}·recurrentKernelᵀ) ⊙ activation'(z_s),   dh_{-1} = dz_0·recurrentKernelᵀ
//
// Its own input: h from the forward pass (activation' takes z and h).

const GATES = 1u;
const PHASES = 1u;
const GRADIENT_BLOCKS = 1u;

fn stateAt(t: Tile) -> mat4x4f {
  return hTile(sequenceOffsets(t, t.step, params.units), t.units);
}

fn cellBackward(t: Tile, phase: u32) {
  var dh = outputGradient(t);
  if (!isLastStep(t)) { dh += gradientProducts(t, t.step + 1u, 1u); }
  storeGradient(t, 0u, times(dh, activateGradTile(gatesAt(t, 0u), stateAt(t))));
}

fn cellInitialGradient(t: Tile) {
  storeInitialGradient(t, gradientProducts(t, 0u, 1u));
}
