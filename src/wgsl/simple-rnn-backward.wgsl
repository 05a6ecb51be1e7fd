// SimpleRNN, one step backward: the cell of recurrence-backward.wgsl (composed after it; the driver's
// header states the contract).
//
//   dz_s = (dh_s + dz_{s+1}·recurrentKernelᵀ) ⊙ activation'(z_s),   dh_{-1} = dz_0·recurrentKernelᵀ
//
// Bindings, after the driver's:
//   6  storage, read  h  [batch, timesteps, units]   from the forward pass (activation' takes z and h)

const GATES = 1u;
const PHASES = 1u;
const GRADIENT_BLOCKS = 1u;

@group(0) @binding(6) var<storage, read> h: array<f32>;

fn stateAt(t: Tile) -> mat4x4f {
  let o = sequenceOffsets(t, t.step, params.units);
  let c = t.units;
  return mat4x4f(
    vec4f(h[o.x + c.x], h[o.x + c.y], h[o.x + c.z], h[o.x + c.w]),
    vec4f(h[o.y + c.x], h[o.y + c.y], h[o.y + c.z], h[o.y + c.w]),
    vec4f(h[o.z + c.x], h[o.z + c.y], h[o.z + c.z], h[o.z + c.w]),
    vec4f(h[o.w + c.x], h[o.w + c.y], h[o.w + c.z], h[o.w + c.w]),
  );
}

fn cellBackward(t: Tile, phase: u32) {
  var dh = outputGradient(t);
  if (!isLastStep(t)) { dh += gradientProducts(t, t.step + 1u, 1u); }
  storeGradient(t, 0u, times(dh, activateGradTile(gatesAt(t, 0u), stateAt(t))));
}

fn cellInitialGradient(t: Tile) {
  storeInitialGradient(t, gradientProducts(t, 0u, 1u));
}
