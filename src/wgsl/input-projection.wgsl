// Input projection of a recurrent layer, every timestep at once: one GEMM over batch·timesteps rows
// and all gates' columns (columns = gates·units).
//
//   gates[b, s, :] = (x[b, t(s), :] ⊙ dm[b, :]) · kernel + bias        t(s) = goBackwards ? timesteps-1-s : s
//
// dm is the input's dropout mask [batch, features] in `side` at params.inputDropoutAt (INPUT_DROPOUT; tfjs
// multiplies every step's input by it, one mask for every gate), folded into the loads of x.
// Rows of gates are in consumption order, so the recurrence never needs to know the direction. bias is
// read from its start: the whole bias, or the input row of a GRU's [2, 3·units] (resetAfter).
// Needs workgroup-order.wgsl and input-rows.wgsl.
//
// Dispatch: each invocation owns a tile of 4 rows × 4 columns. Workgroups are
// (WORKGROUP_X, WORKGROUP_Y) tiles; grid x covers column tiles, grid y·z covers row tiles
// (z folds row tiles past the per-dimension limit).

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
// The input's dropout mask is in `side` (an override: without one, none of its code is compiled).
override INPUT_DROPOUT: bool = false;

// kernel[f, c] for the tile's 4 columns.
fn kernelRow(f: u32, c: vec4u) -> vec4f {
  let o = f * params.columns;
  return vec4f(kernel[o + c.x], kernel[o + c.y], kernel[o + c.z], kernel[o + c.w]);
}

// x[o..o+3], times the input's dropout mask at side[m..m+3] when there is one.
fn inputRun(o: u32, m: u32) -> vec4f {
  if (!INPUT_DROPOUT) { return xRun(o); }
  return xRun(o) * sideRun(m);
}

fn input(o: u32, m: u32) -> f32 {
  if (!INPUT_DROPOUT) { return x[o]; }
  return x[o] * side[m];
}

// Row r's columns u0..u0+3, those below `columns`.
fn storeRow(r: u32, u0: u32, value: vec4f) {
  if (r < params.rows) { storeGatesRow(r * params.columns + u0, params.columns - u0, value); }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let U = params.columns;
  let F = params.features;
  let place = orderedWorkgroup(wid, nwg);
  let u0 = (place.x * WORKGROUP_X + lid.x) * 4u;
  let r0 = ((place.z * nwg.y + place.y) * WORKGROUP_Y + lid.y) * 4u;
  if (u0 >= U || r0 >= params.rows) { return; }

  let c = min(vec4u(u0) + vec4u(0u, 1u, 2u, 3u), vec4u(U - 1u));
  let r = min(vec4u(r0) + vec4u(0u, 1u, 2u, 3u), vec4u(params.rows - 1u));
  let src = inputRowOffset(r);
  let drop = inputDropoutOffset(r);

  var b = vec4f(0.0);
  if (params.hasBias != 0u) { b = vec4f(bias[c.x], bias[c.y], bias[c.z], bias[c.w]); }
  var a0 = b;
  var a1 = b;
  var a2 = b;
  var a3 = b;
  let F4 = F / 4u * 4u;
  for (var f = 0u; f < F4; f += 4u) {
    let w = mat4x4f(kernelRow(f, c), kernelRow(f + 1u, c), kernelRow(f + 2u, c), kernelRow(f + 3u, c));
    a0 += w * inputRun(src.x + f, drop.x + f);
    a1 += w * inputRun(src.y + f, drop.y + f);
    a2 += w * inputRun(src.z + f, drop.z + f);
    a3 += w * inputRun(src.w + f, drop.w + f);
  }
  for (var f = F4; f < F; f++) {
    let w = kernelRow(f, c);
    a0 += w * input(src.x + f, drop.x + f);
    a1 += w * input(src.y + f, drop.y + f);
    a2 += w * input(src.z + f, drop.z + f);
    a3 += w * input(src.w + f, drop.w + f);
  }
  storeRow(r0, u0, a0);
  storeRow(r0 + 1u, u0, a1);
  storeRow(r0 + 2u, u0, a2);
  storeRow(r0 + 3u, u0, a3);
}
