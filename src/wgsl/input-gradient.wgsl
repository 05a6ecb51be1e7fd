// Input gradient of a recurrent layer, every timestep at once: one GEMM over batch·timesteps rows and
// all gates' columns (columns = gates·units).
//
//   dx[b, t(s), :] = (dGates[b, s, :columns] · kernelᵀ) ⊙ dm[b, :]        t(s) = goBackwards ? timesteps-1-s : s
//
// dm is the input's dropout mask [batch, features] in `side` at params.inputDropoutAt (INPUT_DROPOUT), as the forward
// multiplied x by it (input-projection.wgsl).
// Rows of dGates are `stride` wide: a cell may keep more gradient blocks after the gates' (GRU
// resetAfter's recurrent h̃ block), which the input side does not see. Needs workgroup-order.wgsl.
//
// Dispatch: each invocation owns a tile of 4 rows × 4 features. Grid x covers feature tiles,
// grid y·z covers row tiles (z folds row tiles past the per-dimension limit).

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
// The input's dropout mask is in `side` (an override: without one, none of its code is compiled).
override INPUT_DROPOUT: bool = false;

// kernel[f, u] for the tile's 4 features: column u of kernelᵀ.
fn kernelColumn(f: vec4u, u: u32) -> vec4f {
  let o = f * params.columns + u;
  return vec4f(kernel[o.x], kernel[o.y], kernel[o.z], kernel[o.w]);
}

// The input's dropout mask at features f of the row at offset o in `side`.
fn dropoutRow(o: u32, f: vec4u) -> vec4f {
  return vec4f(side[o + f.x], side[o + f.y], side[o + f.z], side[o + f.w]);
}

// o: offset of the row's features in dx; writes features f0..f0+3 below `features`.
fn storeRow(valid: bool, o: u32, f0: u32, value: vec4f) {
  if (valid) { storeDxRow(o + f0, params.features - f0, value); }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let U = params.columns;
  let F = params.features;
  let T = params.timesteps;
  let place = orderedWorkgroup(wid, nwg);
  let f0 = (place.x * WORKGROUP_X + lid.x) * 4u;
  let r0 = ((place.z * nwg.y + place.y) * WORKGROUP_Y + lid.y) * 4u;
  if (f0 >= F || r0 >= params.rows) { return; }

  let f = min(vec4u(f0) + vec4u(0u, 1u, 2u, 3u), vec4u(F - 1u));
  let r = min(vec4u(r0) + vec4u(0u, 1u, 2u, 3u), vec4u(params.rows - 1u));
  let g = r * params.stride;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  let U4 = U / 4u * 4u;
  for (var u = 0u; u < U4; u += 4u) {
    let w = mat4x4f(kernelColumn(f, u), kernelColumn(f, u + 1u), kernelColumn(f, u + 2u), kernelColumn(f, u + 3u));
    a0 += w * dGatesRun(g.x + u);
    a1 += w * dGatesRun(g.y + u);
    a2 += w * dGatesRun(g.z + u);
    a3 += w * dGatesRun(g.w + u);
  }
  for (var u = U4; u < U; u++) {
    let w = kernelColumn(f, u);
    a0 += w * dGates[g.x + u];
    a1 += w * dGates[g.y + u];
    a2 += w * dGates[g.z + u];
    a3 += w * dGates[g.w + u];
  }
  let s = r % T;
  let dst = (r - s + select(s, T - 1u - s, params.goBackwards != 0u)) * F;
  if (INPUT_DROPOUT) {
    let drop = (r - s) / T * F + params.inputDropoutAt;
    a0 *= dropoutRow(drop.x, f);
    a1 *= dropoutRow(drop.y, f);
    a2 *= dropoutRow(drop.z, f);
    a3 *= dropoutRow(drop.w, f);
  }
  storeRow(r0 < params.rows, dst.x, f0, a0);
  storeRow(r0 + 1u < params.rows, dst.y, f0, a1);
  storeRow(r0 + 2u < params.rows, dst.z, f0, a2);
  storeRow(r0 + 3u < params.rows, dst.w, f0, a3);
}
