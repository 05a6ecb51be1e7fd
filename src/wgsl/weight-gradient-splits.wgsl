// The weight gradients from weight-gradients.wgsl's per-split partials: for every element i,
//
//   out[i] = Σ_{z < splits} partials[z · size + i]          (z ascending: the same sum every run)
//
// for the three outputs at once: dKernel, dRecurrentKernel and dBias, each with its partials.
// Needs workgroup-order.wgsl.
//
// Bindings (group 0):
//   0  uniform              params             Params
//   1  storage, read        kernelSplits       [splits, kernelSize]
//   2  storage, read        recurrentSplits    [splits, recurrentSize]
//   3  storage, read        biasSplits         [splits, biasSize]   (read only when biasSize > 0)
//   4  storage, read_write  dKernel            [kernelSize]
//   5  storage, read_write  dRecurrentKernel   [recurrentSize]
//   6  storage, read_write  dBias              [biasSize]
//
// Dispatch: one invocation per element of dKernel, then dRecurrentKernel, then dBias, in workgroups
// of WORKGROUP_SIZE; grid x·y covers them (y folds past the per-dimension limit).

struct Params {
  kernelSize: u32,
  recurrentSize: u32,
  biasSize: u32,
  splits: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> kernelSplits: array<f32>;
@group(0) @binding(2) var<storage, read> recurrentSplits: array<f32>;
@group(0) @binding(3) var<storage, read> biasSplits: array<f32>;
@group(0) @binding(4) var<storage, read_write> dKernel: array<f32>;
@group(0) @binding(5) var<storage, read_write> dRecurrentKernel: array<f32>;
@group(0) @binding(6) var<storage, read_write> dBias: array<f32>;

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
