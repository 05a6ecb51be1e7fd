// A dropout mask drawn from a seed, as tf.dropout draws one: every element keeps (1/(1 − rate)) or drops
// (0) on its own, with probability rate of dropping:
//
//   u = hash(seed, row, column) >> 8                          24 bits, uniform on 0 .. 2^24 − 1
//   mask[row, column] = u ≥ params.threshold ? params.scale : 0     threshold = ceil(rate · 2^24)
//
// hash(seed, row, column) = pcg(column + pcg(row + pcg(seed))), PCG's output permutation nested over
// the coordinates (Jarzynski and Olano, "Hash Functions for GPU Rendering", JCGT 2020): integer
// operations only, so a seed gives the same bits on every adapter, and an element depends on nothing
// but its coordinates, whatever the dispatch. scale (fround(1 / fround(1 − rate)), tf.dropout's value)
// is formed on the host. dropout-mask.ref.ts computes the same bits. Needs workgroup-order.wgsl and
// pcg-hash.wgsl.
//
// Dispatch: one invocation per element, in workgroups of WORKGROUP_SIZE; grid x·y covers them (y folds
// past the per-dimension limit). Nothing loops.

override WORKGROUP_SIZE: u32 = 64;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.rows * params.columns) { return; }
  let u = pcg(i % params.columns + pcg(i / params.columns + pcg(params.seed))) >> 8u;
  mask[i] = select(0.0, params.scale, u >= params.threshold);
}
