// LSTM, one step forward: the cell of recurrence-forward.wgsl (composed after it; the driver's header
// states the contract). Gates in Keras's order i, f, c̃, o, each `units` wide:
//
//   a = x_t(s)·kernel + bias + h_{s-1}·recurrentKernel
//   i, f, o = recurrentActivation(a_i, a_f, a_o)
//   c_s = f ⊙ c_{s-1} + i ⊙ activation(a_c̃),   h_s = o ⊙ activation(c_s),   c_{-1} = the initial cell state or 0
//
// The pre-activations a stay in gates and c_s is the driver's `saved`, a state (its last step goes to
// lastStates when requested, masking keeps it), for the backward pass; c_{-1} is saved's initial value.

const GATES = 4u;
const PHASES = 1u;
const SAVED_IS_STATE = true;

fn cellForward(t: Tile, phase: u32) {
  let p = recurrentProducts(t, 4u);
  let ai = gatesAt(t, 0u) + p.g0;
  let af = gatesAt(t, 1u) + p.g1;
  let ac = gatesAt(t, 2u) + p.g2;
  let ao = gatesAt(t, 3u) + p.g3;
  let c = times(recurrentActivateTile(af), previousSaved(t)) + times(recurrentActivateTile(ai), activateTile(ac));
  storeGates(t, 0u, ai);
  storeGates(t, 1u, af);
  storeGates(t, 2u, ac);
  storeGates(t, 3u, ao);
  storeSaved(t, c);
  storeState(t, times(recurrentActivateTile(ao), activateTile(c)));
}
