// A recurrent layer's side inputs for one training step, in its `side` buffer: the step's dropout masks,
// fresh every step as tfjs draws them per batch, and under maskZero the batch's token ids as the mask.
//
//   seed_k = pcg(progress.fitStep + pcg(params.seeds[k]))                  k: 0 input, 1 recurrent
//   side[inputAt + r·F + f] = (pcg(f + pcg(r + pcg(seed_0))) >> 8) ≥ inputThreshold ? inputScale : 0
//   side[recurrentAt + r·U + u] likewise from seed_1, recurrentThreshold, recurrentScale
//   side[maskAt + i] = ids[i]                                               i < batch·timesteps
//
// each mask as dropout-mask.wgsl draws one from seed_k (so dropoutMaskRef reproduces it), a piece only
// where its has* param is set. Needs workgroup-order.wgsl, pcg-hash.wgsl and trainer-progress.wgsl.
//
// Dispatch: one invocation per element of the pieces, in that order (mask, input, recurrent), in
// workgroups of WORKGROUP_SIZE; grid x·y covers them (y folds past the per-dimension limit). Nothing loops.

override WORKGROUP_SIZE: u32 = 64;

fn drawn(seed: u32, row: u32, column: u32, threshold: u32, scale: f32) -> f32 {
  let u = pcg(column + pcg(row + pcg(pcg(progress.fitStep + pcg(seed))))) >> 8u;
  return select(0.0, scale, u >= threshold);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  var i = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  let steps = params.hasMask * params.batch * params.timesteps;
  if (i < steps) {
    side[params.maskAt + i] = ids[i];
    return;
  }
  i -= steps;
  let inputs = params.hasInput * params.batch * params.features;
  if (i < inputs) {
    let r = i / params.features;
    let f = i - r * params.features;
    side[params.inputAt + i] = drawn(params.inputSeed, r, f, params.inputThreshold, params.inputScale);
    return;
  }
  i -= inputs;
  if (i < params.hasRecurrent * params.batch * params.units) {
    let r = i / params.units;
    let u = i - r * params.units;
    side[params.recurrentAt + i] = drawn(params.recurrentSeed, r, u, params.recurrentThreshold, params.recurrentScale);
  }
}
