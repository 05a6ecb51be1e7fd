// Which tile a workgroup works on, under a permutation that tests choose: nothing in a kernel may
// depend on the order in which workgroups run or on which workgroup owns which tile, and a kernel
// that calls orderedWorkgroup must give bit-identical results under every WORKGROUP_ORDER.
//
// No bindings: this module is prepended to every kernel of the package (see composeShader in
// src/gpu/kernel.ts); kernels read their workgroup's position from orderedWorkgroup(wid, nwg)
// instead of workgroup_id. Orders (WORKGROUP_ORDERS in src/kernels/strategy.ts):
//   0 natural       workgroup i owns tile i
//   1 reversed      workgroup i owns tile n-1-i
//   2 interleaved   the first half of the workgroups own the even tiles, the second half the odd
// where i and n count the grid's workgroups linearly (x fastest, then y, then z).

override WORKGROUP_ORDER: u32 = 0u;

fn orderedWorkgroup(wid: vec3u, nwg: vec3u) -> vec3u {
  if (WORKGROUP_ORDER == 0u) { return wid; }
  let plane = nwg.x * nwg.y;
  let count = plane * nwg.z;
  let i = wid.x + nwg.x * wid.y + plane * wid.z;
  var p = count - 1u - i;
  if (WORKGROUP_ORDER == 2u) {
    let half = (count + 1u) / 2u;
    p = select(2u * (i - half) + 1u, 2u * i, i < half);
  }
  return vec3u(p % nwg.x, (p / nwg.x) % nwg.y, p / plane);
}

// The invocation's index in a one-dimensional problem spread over an x × y grid (folded into y
// past maxComputeWorkgroupsPerDimension), its workgroup placed by orderedWorkgroup.
fn orderedInvocation(wid: vec3u, nwg: vec3u, lid: u32, workgroupSize: u32) -> u32 {
  let place = orderedWorkgroup(wid, nwg);
  return (place.y * nwg.x + place.x) * workgroupSize + lid;
}
