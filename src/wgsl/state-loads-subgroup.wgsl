enable subgroups;
// WGSL's analysis cannot see that the tile's branches around shareSlots are uniform (a Tile holds
// per-invocation fields beside its uniform `initial` and step): the drivers' loops give every
// invocation every turn, and the branches test uniform values only.
diagnostic(off, subgroup_uniformity);

// How the recurrences load a 4 × 4 block of a reduction's operand (the tile's 4 rows at columns
// k..k+3), the contract of state-loads.wgsl: here the invocations of a subgroup, which share their
// rows, load one column each (invocation i of every 4 column k + i) and broadcast it to the others.
// On SwiftShader a load from a storage buffer costs about 100 x86 instructions (its lanes gathered
// one by one) and a broadcast a few, so the recurrences load a quarter of their state.
//
// Needs subgroups of at least 4 invocations, all of them taking every turn of the loops around
// shareSlots (the drivers' uniform unit-tile turns), and workgroups whose size is a multiple of 4.
// No bindings.

const SLOTS_PER_LANE = 1u;
var<private> laneSlot: u32;

fn startLanes() {
  // Every invocation is active here, so the count of those below is the invocation's subgroup index.
  laneSlot = subgroupExclusiveAdd(1u) % 4u;
}

fn shareSlots(loads: array<vec4f, 4>) -> mat4x4f {
  let mine = loads[0];
  return transpose(mat4x4f(subgroupBroadcast(mine, 0u), subgroupBroadcast(mine, 1u), subgroupBroadcast(mine, 2u), subgroupBroadcast(mine, 3u)));
}
