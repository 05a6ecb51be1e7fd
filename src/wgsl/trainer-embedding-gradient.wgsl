// The Embedding's gradient from its output's, P = positions tokens of D = dims values:
//
//   dTable[v, e] = Σ_{p < P, ids[p] = v} dx[p, e]        summed in ascending p, 0 for absent tokens
//
// A fixed order per element, so every workgroup size and order gives the same bits (tf's
// UnsortedSegmentSum, on the other hand, adds in whatever order its atomics land). A workgroup
// stages the ids in tiles of WORKGROUP_SIZE through workgroup memory, so each is read once per
// workgroup; lanes run over e fastest, so the lanes of one token read dx's row together. Needs
// workgroup-order.wgsl.
//
// Dispatch: one invocation per element of dTable [vocabulary, D], in workgroups of WORKGROUP_SIZE; grid
// x·y covers them (y folds past the per-dimension limit). An invocation loops P times (the trainer
// keeps P within llvmpipe's 65,535).

override WORKGROUP_SIZE: u32 = 64;

var<workgroup> tile: array<u32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  let v = i / params.dims;
  let e = i - v * params.dims;
  var sum = 0.0;
  for (var base = 0u; base < params.positions; base += WORKGROUP_SIZE) {
    workgroupBarrier();
    if (base + lid < params.positions) { tile[lid] = u32(ids[base + lid]); }
    workgroupBarrier();
    let count = min(WORKGROUP_SIZE, params.positions - base);
    for (var k = 0u; k < count; k++) {
      if (tile[k] == v) { sum += dx[(base + k) * params.dims + e]; }
    }
  }
  if (i < params.vocabulary * params.dims) { dTable[i] = sum; }
}
