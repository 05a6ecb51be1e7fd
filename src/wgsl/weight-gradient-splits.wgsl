// The weight gradients from weight-gradients.wgsl's per-split partials: for every element i,
//
//   out[i] = Σ_{z < splits} partials[z · size + i]          (z ascending: the same sum every run)
//
// for the three outputs at once: dKernel, dRecurrentKernel and dBias, each with its partials.
// Needs workgroup-order.wgsl.
//
// Dispatch: one invocation per element of dKernel, then dRecurrentKernel, then dBias, in workgroups
// of WORKGROUP_SIZE; grid x·y covers them (y folds past the per-dimension limit).

override WORKGROUP_SIZE: u32 = 64;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  if (i < params.kernelSize) {
    var sum = 0.0;
    for (var z = 0u; z < params.splits; z++) { sum += kernelSplits[z * params.kernelSize + i]; }
    dKernel[i] = sum;
    return;
  }
  let r = i - params.kernelSize;
  if (r < params.recurrentSize) {
    var sum = 0.0;
    for (var z = 0u; z < params.splits; z++) { sum += recurrentSplits[z * params.recurrentSize + r]; }
    dRecurrentKernel[r] = sum;
    return;
  }
  let b = r - params.recurrentSize;
  if (b < params.biasSize) {
    var sum = 0.0;
    for (var z = 0u; z < params.splits; z++) { sum += biasSplits[z * params.biasSize + b]; }
    dBias[b] = sum;
  }
}
