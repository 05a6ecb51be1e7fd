// One optimizer step over every parameter of the model at once (the weights of every layer, laid out
// by src/trainer/weight-layout.ts with padding between them, whose gradients stay 0):
//
//   clipping: g ← g · clipScales[t] (t: the parameter's tensor, the last with tensorStarts[t] ≤ p;
//             globalClipNorm: clipScales[0]), the scales trainer-clip.wgsl wrote this step
//   sgd (tf.train.sgd):   w ← w + (−lr) · g
//   adam (tf.train.adam): m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²,
//                         w ← (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε) · (−lr) + w
//   rmsprop (tf.train.rmsprop): ms ← ms·ρ + g²·(1−ρ),
//                         mom ← mom·μ + (g·lr) / √(ms + ε),   w ← w − mom
//
// in tfjs's order of operations, with β1ᵗ and β2ᵗ from progress (trainer-loss.wgsl advanced them for
// this step) and 1 − β, 1 − ρ formed in float64 on the host, as tfjs does. Needs trainer-progress.wgsl
// and workgroup-order.wgsl.
//
// Dispatch: one invocation per parameter, in workgroups of WORKGROUP_SIZE; grid x·y covers them
// (y folds past the per-dimension limit). Nothing loops but the search for a tensor (log₂ tensors).

override WORKGROUP_SIZE: u32 = 64;

// The tensor holding parameter p (or the padding after it): binary search in tensorStarts.
fn tensorOf(p: u32) -> u32 {
  var low = 0u;
  var high = params.tensors;
  while (high - low > 1u) {
    let middle = (low + high) / 2u;
    if (tensorStarts[middle] <= p) { low = middle; } else { high = middle; }
  }
  return low;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  let P = params.parameters;
  if (p >= P) { return; }
  var g = gradients[p];
  if (params.clip == 1u) { g *= clipScales[tensorOf(p)]; }
  if (params.clip == 2u) { g *= clipScales[0]; }
  if (params.optimizer == 1u) {
    weights[p] = -params.learningRate * g + weights[p];
    return;
  }
  if (params.optimizer == 2u) {
    let ms = moments[p] * params.decay + g * g * params.oneMinusDecay;
    moments[p] = ms;
    let mom = moments[P + p] * params.momentum + g * params.learningRate / sqrt(ms + params.epsilon);
    moments[P + p] = mom;
    weights[p] = weights[p] - mom;
    return;
  }
  let m = moments[p] * params.beta1 + g * params.oneMinusBeta1;
  let v = moments[P + p] * params.beta2 + g * g * params.oneMinusBeta2;
  moments[p] = m;
  moments[P + p] = v;
  let mHat = m / (1.0 - progress.accBeta1);
  let vHat = v / (1.0 - progress.accBeta2);
  weights[p] = mHat / (sqrt(vHat) + params.epsilon) * -params.learningRate + weights[p];
}
