// Where the input-gradient kernels (input-gradient.wgsl, input-gradient-staged.wgsl) write a row of dx: the
// input's dropout mask at its features and the store of its 4 features. Reads params.features; needs the
// `side` binding and dx's generated storeDxRow.

// The input's dropout mask at features f of the row at offset o in `side`.
fn dropoutRow(o: u32, f: vec4u) -> vec4f {
  return vec4f(side[o + f.x], side[o + f.y], side[o + f.z], side[o + f.w]);
}

// o: offset of the row's features in dx; writes features f0..f0+3 below `features`.
fn storeRow(valid: bool, o: u32, f0: u32, value: vec4f) {
  if (valid) { storeDxRow(o + f0, params.features - f0, value); }
}
