// Where the GEMMs over batch·timesteps rows (input-projection, weight-gradients, input-gradient) find a
// row's input. Rows r = b·timesteps + s are in consumption order (step s of batch row b); the input is in
// time order, t(s) = goBackwards ? timesteps-1-s : s; its dropout mask has one row per batch row.
// Reads params.timesteps, features, goBackwards and inputDropoutAt. No bindings.

// The offset of rows r's features in x (or dx).
fn inputRowOffset(r: vec4u) -> vec4u {
  let T = params.timesteps;
  let s = r % T;
  return (r - s + select(s, T - 1u - s, params.goBackwards != 0u)) * params.features;
}

// The offset of rows r's input dropout mask in `side`.
fn inputDropoutOffset(r: vec4u) -> vec4u {
  return r / params.timesteps * params.features + params.inputDropoutAt;
}
