// Input gradient of a recurrent layer, every timestep at once: one GEMM over batch·timesteps rows and
// all gates' columns (columns = gates·units).
//
//   dx[b, t(s), :] = (dGates[b, s, :columns] · kernelᵀ) ⊙ dm[b, :]        t(s) = goBackwards ? timesteps-1-s : s
//
// dm is the input's dropout mask [batch, features] in `side` at params.inputDropoutAt (INPUT_DROPOUT), as the forward
// multiplied x by it (input-projection.wgsl).
// Rows of dGates are `stride` wide: a cell may keep more gradient blocks after the gates' (GRU
// resetAfter's recurrent h̃ block), which the input side does not see. Needs workgroup-order.wgsl,
// input-rows.wgsl and input-gradient-rows.wgsl.
//
// Dispatch: tiles of 4 rows × 4 features. Grid x covers feature tiles, grid y·z row tiles (z folds row
// tiles past the per-dimension limit).
// - K_SLICES = 1: each invocation owns a tile and sums all columns; workgroups of (WORKGROUP_X,
//   WORKGROUP_Y) tiles.
// - K_SLICES > 1: a workgroup of K_SLICES lanes (WORKGROUP_X = K_SLICES, WORKGROUP_Y = 1) owns a tile,
//   for layers with too few tiles to fill a GPU. Lane l sums the runs of 4 columns i ≡ l (mod K_SLICES),
//   so that neighbouring lanes read neighbouring words of dGates and kernel; then each of the tile's 16
//   elements is the sum of the slices', in slice order. The sums depend on K_SLICES alone, never on the
//   workgroups' order.

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
override K_SLICES: u32 = 1;
// The input's dropout mask is in `side` (an override: without one, none of its code is compiled).
override INPUT_DROPOUT: bool = false;

const LANES = vec4u(0u, 1u, 2u, 3u);

// Each slice's sums for the workgroup's tile: column i is row i's 4 features.
var<workgroup> sliceSums: array<mat4x4f, K_SLICES>;

// kernel[f, u] for the tile's 4 features: column u of kernelᵀ.
fn kernelColumn(f: vec4u, u: u32) -> vec4f {
  let o = f * params.columns + u;
  return vec4f(kernel[o.x], kernel[o.y], kernel[o.z], kernel[o.w]);
}

// K_SLICES > 1: the workgroup's tile, rows from r0 and features from f0 (uniform in the workgroup: every
// lane reaches the barrier).
fn slicedTile(r0: u32, f0: u32, lane: u32) {
  let U = params.columns;
  let f = min(vec4u(f0) + LANES, vec4u(params.features - 1u));
  let r = min(vec4u(r0) + LANES, vec4u(params.rows - 1u));
  let g = r * params.stride;
  var sums = mat4x4f();
  let runs = U / 4u;
  for (var i = lane; i < runs; i += K_SLICES) {
    let u = i * 4u;
    let w = mat4x4f(kernelColumn(f, u), kernelColumn(f, u + 1u), kernelColumn(f, u + 2u), kernelColumn(f, u + 3u));
    sums[0] += w * dGatesRun(g.x + u);
    sums[1] += w * dGatesRun(g.y + u);
    sums[2] += w * dGatesRun(g.z + u);
    sums[3] += w * dGatesRun(g.w + u);
  }
  // The columns past the last whole run are run `runs`, the slice's that would own it.
  if (lane == runs % K_SLICES) {
    for (var u = runs * 4u; u < U; u++) {
      let w = kernelColumn(f, u);
      sums[0] += w * dGates[g.x + u];
      sums[1] += w * dGates[g.y + u];
      sums[2] += w * dGates[g.z + u];
      sums[3] += w * dGates[g.w + u];
    }
  }
  sliceSums[lane] = sums;
  workgroupBarrier();
  // Element 4i + j of the tile, row i's feature j, on lane e mod K_SLICES.
  let dst = inputRowOffset(r);
  let drop = inputDropoutOffset(r);
  for (var e = lane; e < 16u; e += K_SLICES) {
    let i = e / 4u;
    let j = e % 4u;
    if (r0 + i < params.rows && f0 + j < params.features) {
      var sum = 0.0;
      for (var l = 0u; l < K_SLICES; l++) { sum += sliceSums[l][i][j]; }
      if (INPUT_DROPOUT) { sum *= side[drop[i] + f0 + j]; }
      dx[dst[i] + f0 + j] = sum;
    }
  }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  if (K_SLICES > 1u) {
    let place = orderedWorkgroup(wid, nwg);
    let r0 = (place.z * nwg.y + place.y) * 4u;
    if (r0 >= params.rows) { return; }
    slicedTile(r0, place.x * 4u, lid.x);
    return;
  }
  let U = params.columns;
  let F = params.features;
  let place = orderedWorkgroup(wid, nwg);
  let f0 = (place.x * WORKGROUP_X + lid.x) * 4u;
  let r0 = ((place.z * nwg.y + place.y) * WORKGROUP_Y + lid.y) * 4u;
  if (f0 >= F || r0 >= params.rows) { return; }

  let f = min(vec4u(f0) + LANES, vec4u(F - 1u));
  let r = min(vec4u(r0) + LANES, vec4u(params.rows - 1u));
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
  let dst = inputRowOffset(r);
  if (INPUT_DROPOUT) {
    let drop = inputDropoutOffset(r);
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
