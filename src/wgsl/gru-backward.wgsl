// GRU, one step backward: the cell of recurrence-backward.wgsl (composed after it; the driver's header
// states the contract). With z, r, h̃ and `saved` as in gru-forward.wgsl, R = recurrentKernel and
// dh the gradient reaching h_s:
//
//   da_z = dh ⊙ (h_{s-1} - h̃) ⊙ recurrentActivation'(a_z),   da_h̃ = dh ⊙ (1 - z) ⊙ activation'(a_h̃)
//   resetAfter false:  d(r⊙h_{s-1}) = da_h̃·R_h̃ᵀ,   da_r = d(r⊙h_{s-1}) ⊙ h_{s-1} ⊙ recurrentActivation'(a_r)
//     h_{s-1} receives dh ⊙ z + d(r⊙h_{s-1}) ⊙ r + [da_z, da_r]·[R_z, R_r]ᵀ
//   resetAfter true:   da_r = da_h̃ ⊙ saved ⊙ recurrentActivation'(a_r),   d(saved) = da_h̃ ⊙ r
//     h_{s-1} receives dh ⊙ z + [da_z, da_r, d(saved)]·[R_z, R_r, R_h̃]ᵀ
//
// dGates holds [da_z, da_r, da_h̃] (the input side's gradients), and with resetAfter a fourth block,
// d(saved): the recurrent side's gradient of the h̃ block. The elementwise part of what h_{s-1}
// receives is passed on (passOn, addCarried) to the step before. dh is the masked gradient reaching h_s.
// h_{s-1} here is what the step read, ĥ_{s-1} (previousState: times the recurrent dropout mask, as tfjs's
// GRUCell multiplies it before every use); the driver takes what it receives on to h_{s-1}.
// resetAfter false takes two phases per step: d(r⊙h_{s-1}) needs all of da_h̃ first.

override RESET_AFTER: bool = false;
const GATES = 3u;
override PHASES: u32 = select(2u, 1u, RESET_AFTER);
override GRADIENT_BLOCKS: u32 = select(3u, 4u, RESET_AFTER);
const SAVED_IS_STATE = false;
const CARRIES = true;

// What step `step` sends back to h_{step-1} through its gates and R.
fn gateGradient(t: Tile, step: u32) -> mat4x4f {
  var d = gradientProducts(t, step, 2u);
  if (RESET_AFTER) { d += gradientProduct(t, step, 3u, 2u); }
  return stateGradient(t, d);
}

fn cellBackward(t: Tile, phase: u32) {
  if (phase == 1u) {
    // d(r ⊙ h_{s-1}), now that every unit's da_h̃ is stored.
    let reset = gradientProduct(t, t.step, 2u, 2u);
    let ar = gatesAt(t, 1u);
    let r = recurrentActivateTile(ar);
    storeGradient(t, 1u, times(times(reset, previousState(t)), recurrentActivateGradTile(ar, r)));
    addCarried(t, times(reset, r));
    return;
  }
  var g = outputGradient(t);
  if (!isLastStep(t)) { g += gateGradient(t, t.step + 1u); }
  let dh = maskGradient(t, g);
  let az = gatesAt(t, 0u);
  let ah = gatesAt(t, 2u);
  let z = recurrentActivateTile(az);
  let candidate = activateTile(ah);
  let dah = times(times(dh, ONES - z), activateGradTile(ah, candidate));
  storeGradient(t, 0u, times(times(dh, previousState(t) - candidate), recurrentActivateGradTile(az, z)));
  storeGradient(t, 2u, dah);
  if (RESET_AFTER) {
    let ar = gatesAt(t, 1u);
    let r = recurrentActivateTile(ar);
    storeGradient(t, 1u, times(times(dah, savedAt(t)), recurrentActivateGradTile(ar, r)));
    storeGradient(t, 3u, times(dah, r));
  }
  passOn(t, times(dh, z));
}

fn cellInitialGradient(t: Tile) {
  storeInitialGradient(t, initialCarried(t) + gateGradient(t, 0u));
}
