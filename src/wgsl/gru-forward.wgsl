// GRU, one step forward: the cell of recurrence-forward.wgsl (composed after it; the driver's header
// states the contract). Gates in Keras's order z, r, h̃, each `units` wide; p = x_t(s)·kernel + input
// bias (bias row 0 when resetAfter), R = recurrentKernel, b = the recurrent bias (bias row 1):
//
//   z = recurrentActivation(p_z + h_{s-1}·R_z [+ b_z]),   r = recurrentActivation(p_r + h_{s-1}·R_r [+ b_r])
//   resetAfter false:  h̃ = activation(p_h̃ + (r ⊙ h_{s-1})·R_h̃)        saved = r ⊙ h_{s-1}
//   resetAfter true:   h̃ = activation(p_h̃ + r ⊙ (h_{s-1}·R_h̃ + b_h̃))   saved = h_{s-1}·R_h̃ + b_h̃
//   h_s = z ⊙ h_{s-1} + (1 - z) ⊙ h̃
//
// h_{s-1} is what the driver's previousState and recurrentProducts give: ĥ_{s-1} = rm ⊙ h_{s-1} with
// recurrent dropout, in every place, the blend included, as tfjs's GRUCell reads it (so does Keras's
// implementation 2; its implementation 1 blends the undropped h_{s-1}).
// resetAfter false takes two phases per step: (r ⊙ h_{s-1})·R_h̃ needs all of r first. The
// pre-activations stay in gates and the reset product in saved, for the backward pass. Its own input:
// bias, resetAfter only (row 1, the recurrent bias).

override RESET_AFTER: bool = false;
const GATES = 3u;
const SAVED_IS_STATE = false;
override PHASES: u32 = select(2u, 1u, RESET_AFTER);

// b of gate g, the same for every row.
fn recurrentBias(t: Tile, g: u32) -> mat4x4f {
  if (params.hasCellInput == 0u) { return mat4x4f(); }
  let o = (GATES + g) * params.units + t.units;
  let b = vec4f(bias[o.x], bias[o.y], bias[o.z], bias[o.w]);
  return mat4x4f(b, b, b, b);
}

// h_s from the pre-activations of z and h̃.
fn nextState(t: Tile, az: mat4x4f, ah: mat4x4f) -> mat4x4f {
  let z = recurrentActivateTile(az);
  return times(z, previousState(t)) + times(ONES - z, activateTile(ah));
}

fn cellForward(t: Tile, phase: u32) {
  if (RESET_AFTER) {
    let p = recurrentProducts(t, 3u);
    let az = gatesAt(t, 0u) + p.g0 + recurrentBias(t, 0u);
    let ar = gatesAt(t, 1u) + p.g1 + recurrentBias(t, 1u);
    let reset = p.g2 + recurrentBias(t, 2u);
    let ah = gatesAt(t, 2u) + times(recurrentActivateTile(ar), reset);
    storeGates(t, 0u, az);
    storeGates(t, 1u, ar);
    storeGates(t, 2u, ah);
    storeSaved(t, reset);
    storeState(t, nextState(t, az, ah));
  } else if (phase == 0u) {
    let p = recurrentProducts(t, 2u);
    let az = gatesAt(t, 0u) + p.g0;
    let ar = gatesAt(t, 1u) + p.g1;
    storeGates(t, 0u, az);
    storeGates(t, 1u, ar);
    storeSaved(t, times(recurrentActivateTile(ar), previousState(t)));
  } else {
    let ah = gatesAt(t, 2u) + savedProduct(t, 2u);
    storeGates(t, 2u, ah);
    storeState(t, nextState(t, gatesAt(t, 0u), ah));
  }
}
