// SimpleRNN, one step forward: the cell of recurrence-forward.wgsl (composed after it; the driver's
// header states the contract).
//
//   z_s = x_t(s)·kernel + bias + h_{s-1}·recurrentKernel,   h_s = activation(z_s)
//
// The pre-activation z_s stays in gates for the backward pass. No bindings of its own.

const GATES = 1u;
const PHASES = 1u;
const SAVED_IS_STATE = false;

fn cellForward(t: Tile, phase: u32) {
  let z = gatesAt(t, 0u) + recurrentProducts(t, 1u).g0;
  storeGates(t, 0u, z);
  storeState(t, activateTile(z));
}
