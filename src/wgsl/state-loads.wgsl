// How the recurrences load a 4 × 4 block of a reduction's operand (the tile's 4 rows at columns
// k..k+3): each invocation loads all 16 values itself. state-loads-subgroup.wgsl is the other choice
// (strategy.stateLoads); a driver composes one of them first. No bindings.
//
//   SLOTS_PER_LANE  columns an invocation loads, from column k + laneSlot on
//   startLanes()    called by every invocation at the entry point, before any branch
//   shareSlots(l)   the block from those loads (l[i]: the 4 rows at column k + laneSlot + i): a
//                   mat4x4f whose column i is row i's operand at k..k+3

const SLOTS_PER_LANE = 4u;
var<private> laneSlot: u32;

fn startLanes() {
  laneSlot = 0u;
}

fn shareSlots(loads: array<vec4f, 4>) -> mat4x4f {
  return transpose(mat4x4f(loads[0], loads[1], loads[2], loads[3]));
}
