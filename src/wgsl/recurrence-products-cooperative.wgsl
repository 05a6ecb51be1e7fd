// The recurrences' products computed by the whole workgroup (strategy.products 'cooperative', see
// src/kernels/recurrence-products-cooperative.ts): the hardware path. For the workgroup's 4 batch rows and a
// group of COOP_UNIT_TILES unit tiles (4 units each), each term of a stage's phase is
//
//   slot  =  Σ_k operand[row, block, k] · W(k, u)      forward  W(k, u) = R[k, gate·U + u]
//                                                       backward W(k, u) = R[u, gate·U + k]
//
// with R the recurrent kernel and (slot, block, gate) the term (TERMS). Per stage:
// 1. The rows' operand blocks are staged in workgroup memory, COOP_K_CHUNK columns at a time, every lane
//    loading consecutive columns (coalesced).
// 2. A role is one term, one unit tile and one slice of k (k ≡ slice mod COOP_K_SLICES). Each sums its
//    4 rows × 4 units over its slice. Roles are numbered so that neighbouring lanes read neighbouring
//    words of R: forward along a row of R (unit tiles first), backward along k (slices first). A
//    role's running sum lives in coopPartials, so a lane may hold several roles.
// 3. Each output (term, unit tile, row) adds its slices' sums in slice order into slice 0: the result
//    does not depend on which lane runs when.
// productAt then reads a slot of the stage's phase. Every lane calls cooperativeStage (it has barriers).
//
// Composed after recurrence-products-rolled.wgsl and the module's generated terms
// (recurrence-products-cooperative.ts): FORWARD, TERMS (vec3u: slot, block, gate), PHASE_TERMS (each
// phase's [first, end) in TERMS), PHASE_BLOCKS (its operand blocks [first, end)), TERMS_PER_PHASE (the
// most in a phase). The driver provides
// cooperativeOperand(step, phase, initial, row, block, k): one operand value. No bindings of its own.

const COOPERATIVE = true;

override COOP_UNIT_TILES: u32 = 1;
override COOP_K_SLICES: u32 = 1;
override COOP_K_CHUNK: u32 = 4;
// Array sizes: TERMS_PER_PHASE·COOP_UNIT_TILES·4·COOP_K_SLICES, and most blocks · 4 · COOP_K_CHUNK.
override COOP_PARTIALS: u32 = 16;
override COOP_OPERAND: u32 = 16;

var<workgroup> coopOperand: array<f32, COOP_OPERAND>;
var<workgroup> coopPartials: array<vec4f, COOP_PARTIALS>;
// The phase of the last stage: productAt's slots are its terms.
var<private> coopPhase: u32;

struct CoopRole {
  term: u32,
  unitTile: u32,
  slice: u32,
}

// Role `role` of a phase of `terms` terms.
fn coopRole(role: u32, terms: u32) -> CoopRole {
  let UT = COOP_UNIT_TILES;
  let KS = COOP_K_SLICES;
  if (FORWARD) { return CoopRole((role / UT) % terms, role % UT, role / (UT * terms)); }
  return CoopRole(role / (KS * UT), (role / KS) % UT, role % KS);
}

// Where (term, unit tile, row, slice)'s sum is: an output's slices are consecutive.
fn partialIndex(term: u32, unitTile: u32, row: u32, slice: u32) -> u32 {
  return ((term * COOP_UNIT_TILES + unitTile) * 4u + row) * COOP_K_SLICES + slice;
}

fn coopWeight(i: u32) -> f32 {
  if (WEIGHTS_IN_WORKGROUP) { return weights[i]; }
  return recurrentKernel[i];
}

// W(k, u) of `gate` at 4 units.
fn coopWeights(gate: u32, k: u32, units: vec4u) -> vec4f {
  let row = GATES * params.units;
  if (FORWARD) {
    let o = k * row + gate * params.units;
    return vec4f(coopWeight(o + units.x), coopWeight(o + units.y), coopWeight(o + units.z), coopWeight(o + units.w));
  }
  let o = units * row + gate * params.units + k;
  return vec4f(coopWeight(o.x), coopWeight(o.y), coopWeight(o.z), coopWeight(o.w));
}

// The products of `phase` at `step` for the rows from firstRow on and unit group `group`.
fn cooperativeStage(step: u32, phase: u32, initial: bool, firstRow: u32, group: u32, lid: u32) {
  let U = params.units;
  let terms = PHASE_TERMS[phase];
  let blocks = PHASE_BLOCKS[phase];
  let roles = (terms.y - terms.x) * COOP_UNIT_TILES * COOP_K_SLICES;
  let rows = min(vec4u(firstRow) + LANES, vec4u(params.batch - 1u));
  for (var k0 = 0u; k0 < U; k0 += COOP_K_CHUNK) {
    let width = min(COOP_K_CHUNK, U - k0);
    // The last chunk's (or stage's) readers are done.
    workgroupBarrier();
    for (var i = lid; i < (blocks.y - blocks.x) * 4u * COOP_K_CHUNK; i += WORKGROUP_SIZE) {
      let k = i % COOP_K_CHUNK;
      let blockRow = i / COOP_K_CHUNK;
      var value = 0.0;
      if (k < width) {
        value = cooperativeOperand(step, phase, initial, rows[blockRow % 4u], blocks.x + blockRow / 4u, k0 + k);
      }
      coopOperand[i] = value;
    }
    workgroupBarrier();
    for (var r = lid; r < roles; r += WORKGROUP_SIZE) {
      let role = coopRole(r, terms.y - terms.x);
      let term = TERMS[terms.x + role.term];
      let u0 = (group * COOP_UNIT_TILES + role.unitTile) * 4u;
      let units = min(vec4u(u0) + LANES, vec4u(U - 1u));
      let at = partialIndex(role.term, role.unitTile, 0u, role.slice);
      var acc = mat4x4f();
      if (k0 > 0u) {
        acc = mat4x4f(
          coopPartials[at],
          coopPartials[at + COOP_K_SLICES],
          coopPartials[at + 2u * COOP_K_SLICES],
          coopPartials[at + 3u * COOP_K_SLICES],
        );
      }
      let first = (term.y - blocks.x) * 4u * COOP_K_CHUNK;
      for (var k = role.slice; k < width; k += COOP_K_SLICES) {
        let w = coopWeights(term.z, k0 + k, units);
        let o = first + k;
        acc += mat4x4f(
          w * coopOperand[o],
          w * coopOperand[o + COOP_K_CHUNK],
          w * coopOperand[o + 2u * COOP_K_CHUNK],
          w * coopOperand[o + 3u * COOP_K_CHUNK],
        );
      }
      coopPartials[at] = acc[0];
      coopPartials[at + COOP_K_SLICES] = acc[1];
      coopPartials[at + 2u * COOP_K_SLICES] = acc[2];
      coopPartials[at + 3u * COOP_K_SLICES] = acc[3];
    }
  }
  workgroupBarrier();
  for (var o = lid; o < (terms.y - terms.x) * COOP_UNIT_TILES * 4u; o += WORKGROUP_SIZE) {
    let at = o * COOP_K_SLICES;
    var sum = coopPartials[at];
    for (var s = 1u; s < COOP_K_SLICES; s++) { sum += coopPartials[at + s]; }
    coopPartials[at] = sum;
  }
  workgroupBarrier();
  coopPhase = phase;
}

fn cooperativeUnitTiles() -> u32 {
  return COOP_UNIT_TILES;
}

// Slot `slot` of the last stage at the tile (one of the stage's unit group).
fn productAt(t: Tile, slot: u32) -> mat4x4f {
  let terms = PHASE_TERMS[coopPhase];
  var term = 0u;
  for (var i = terms.x; i < terms.y; i++) {
    if (TERMS[i].x == slot) { term = i - terms.x; }
  }
  let at = partialIndex(term, (t.u0 / 4u) % COOP_UNIT_TILES, 0u, 0u);
  return mat4x4f(
    coopPartials[at],
    coopPartials[at + COOP_K_SLICES],
    coopPartials[at + 2u * COOP_K_SLICES],
    coopPartials[at + 3u * COOP_K_SLICES],
  );
}
