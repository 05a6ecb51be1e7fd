// Keras's gradient clipping for the optimizer step that follows (trainer-optimizer.wgsl): the scale of
// each weight tensor's gradient, from the gradients' L2 norms over the tensors of the weight layout
// (src/trainer/weight-layout.ts: tensor t holds [tensorStarts[t], tensorStarts[t + 1]), the last up to
// params.parameters; the padding after a tensor has gradient 0 and adds nothing):
//
//   sₜ = Σ g² over tensor t
//   per tensor (clipNorm c, global 0):       clipScales[t] = c / max(√sₜ, c)
//   over all (globalClipNorm c, global 1):   clipScales[t] = c / max(√(Σₜ sₜ), c) for every t
//
// so g · scale is g · c / max(‖g‖₂, c), exactly g (scale 1) where the norm is within c. A norm that is
// NaN gives the scale NaN (the clipped gradients turn NaN rather than hide it); ±Infinity gives 0.
//
// Deterministic: each tensor's squares are summed into PARTIALS partial sums, element i of the tensor
// into partial i mod PARTIALS in ascending order, then the partials pairwise (k += k + width, width
// halving), and the global sum adds the tensors' sums in tensor order: the same float32 result for
// every workgroup size. One workgroup does it all, so no workgroup order can matter.
//
// Dispatch: one workgroup. Each invocation loops about parameters / WORKGROUP_SIZE times (with
// WORKGROUP_SIZE = PARTIALS) plus a few per tensor; trainer-clip.ts keeps that within llvmpipe's
// 65,535 loop iterations.

override WORKGROUP_SIZE: u32 = 256;
const PARTIALS = 256u;

var<workgroup> partials: array<f32, PARTIALS>;

// By its bit pattern: no fast-math assumption can fold it away.
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn scaleFor(sumOfSquares: f32) -> f32 {
  if (isNan(sumOfSquares)) { return sumOfSquares; }
  return params.clipNorm / max(sqrt(sumOfSquares), params.clipNorm);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  for (var t = 0u; t < params.tensors; t++) {
    let start = tensorStarts[t];
    var end = params.parameters;
    if (t + 1u < params.tensors) { end = tensorStarts[t + 1u]; }
    for (var k = lid; k < PARTIALS; k += WORKGROUP_SIZE) {
      var sum = 0.0;
      for (var i = start + k; i < end; i += PARTIALS) {
        let g = gradients[i];
        sum += g * g;
      }
      partials[k] = sum;
    }
    workgroupBarrier();
    for (var width = PARTIALS / 2u; width > 0u; width /= 2u) {
      for (var k = lid; k < width; k += WORKGROUP_SIZE) { partials[k] += partials[k + width]; }
      workgroupBarrier();
    }
    // Invocation 0 keeps the tensor's sum of squares here until it turns the sums into scales. No
    // barrier before the next tensor: partials[0] is only ever written and read by invocation 0.
    if (lid == 0u) { clipScales[t] = partials[0]; }
  }
  if (lid != 0u) { return; }
  if (params.global == 0u) {
    for (var t = 0u; t < params.tensors; t++) { clipScales[t] = scaleFor(clipScales[t]); }
    return;
  }
  var total = 0.0;
  for (var t = 0u; t < params.tensors; t++) { total += clipScales[t]; }
  let scale = scaleFor(total);
  for (var t = 0u; t < params.tensors; t++) { clipScales[t] = scale; }
}
