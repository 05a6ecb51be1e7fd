// The input of the trainer's first recurrent layer from token ids, P positions of D values each:
//
//   x[p, e] = table[ids[idOffset + p], e]          an Embedding's lookup
//   x[p, e] = (e = ids[idOffset + p]) ? 1 : 0       ONE_HOT: the one-hot vector of a model without one
//
// Ids are float32 integers (exact below 2²⁴), checked in [0, vocabulary) on the host or drawn by
// trainer-sample. Needs workgroup-order.wgsl.
//
// Dispatch: one invocation per element of x, in workgroups of WORKGROUP_SIZE; grid x·y covers them (y
// folds past the per-dimension limit). Nothing loops.

override WORKGROUP_SIZE: u32 = 64;
override ONE_HOT: bool = false;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.positions * params.dims) { return; }
  let p = i / params.dims;
  let e = i - p * params.dims;
  let id = u32(ids[params.idOffset + p]);
  if (ONE_HOT) {
    x[i] = select(0.0, 1.0, e == id);
    return;
  }
  x[i] = table[id * params.dims + e];
}
