// Weight gradients with the GEMM's operands staged in workgroup memory, for GPUs: the sums, splits and
// outputs of weight-gradients.wgsl (its header states them), computed by workgroups whose lanes share
// what the workgroup loads instead of each lane loading its own. Needs workgroup-order.wgsl,
// input-rows.wgsl and weight-gradients-outputs.wgsl.
//
// Each region's operand is a matrix over rows r = (b, s) and output rows j:
//   the kernel's:    j < features: x[b, t(s), j] ⊙ dm[b, j];  j = features: 1 (dBias row 0, biasRows > 0)
//   the recurrent's: j < units: rm[b, j] ⊙ h_{s-1}[b, j] (the initial state or 0 at s = 0);
//                    j = units: 1 (dBias row 1, biasRows = 2)
// and, with SAVED_OPERAND, the last gate's recurrent operand saved[b, s, j] (then 1 at j = units).
//
// Dispatch: a workgroup of WORKGROUP_X × WORKGROUP_Y lanes owns 4·WORKGROUP_X units of every gate's block
// × 4·WORKGROUP_Y output rows of one region; lane (x, y) owns 4 units × 4 output rows of every gate.
// Grid x covers the unit tiles; grid y the kernel region's row tiles, then the recurrent region's; grid z
// the splits. For each chunk of CHUNK_ROWS rows the workgroup stages the operand at its output rows
// and dGates at its units for every gate, neighbouring lanes loading neighbouring words; then each lane
// adds the chunk's rows' products to its sums from workgroup memory, row after row, so that the sums'
// order depends on neither CHUNK_ROWS nor the workgroups' order. Partial sums per BLOCK_ROWS rows, as in
// weight-gradients.wgsl. What lies past the operand's rows or the units is staged as 0 and never stored;
// rows past the split are not staged (a NaN or an Infinity in them stays out).

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
// Gate blocks of `units` columns: 1 (SimpleRNN), 3 (GRU) or 4 (LSTM).
override GATES: u32 = 1;
// The last gate's recurrent operand is saved[b, s, :] (GRU without resetAfter's r ⊙ h_{s-1}).
override SAVED_OPERAND: bool = false;
// The dropout masks of the input and of the recurrent state are in `side`.
override INPUT_DROPOUT: bool = false;
override RECURRENT_DROPOUT: bool = false;
// Rows staged at once: a power of two up to BLOCK_ROWS that fits workgroup memory (it changes no bits).
override CHUNK_ROWS: u32 = 16;

// Rows per partial sum.
const BLOCK_ROWS = 256u;

// The chunk's operand, [CHUNK_ROWS][4·WORKGROUP_Y] floats: lane y reads its 4 output rows as a vec4.
var<workgroup> operandChunk: array<vec4f, CHUNK_ROWS * WORKGROUP_Y>;
// The chunk's saved operand, the same (written and read with SAVED_OPERAND only).
var<workgroup> savedChunk: array<vec4f, CHUNK_ROWS * WORKGROUP_Y>;
// The chunk's dGates, [CHUNK_ROWS][GATES][4·WORKGROUP_X] floats: lane x reads its 4 units as a vec4.
var<workgroup> gradientChunk: array<vec4f, CHUNK_ROWS * GATES * WORKGROUP_X>;

// The workgroup's region (KERNEL_REGION or RECURRENT_REGION), its first output row and its first unit.
var<private> region: u32;
var<private> rowBase: u32;
var<private> unitBase: u32;

// The region's operand at row r and output row j.
fn operandAt(r: u32, j: u32) -> f32 {
  let U = params.units;
  if (region == KERNEL_REGION) {
    if (j >= params.features) { return select(0.0, 1.0, j == params.features && params.biasRows > 0u); }
    var v = x[inputRowOffset(vec4u(r)).x + j];
    if (INPUT_DROPOUT) { v *= side[inputDropoutOffset(vec4u(r)).x + j]; }
    return v;
  }
  if (j >= U) { return select(0.0, 1.0, j == U && params.biasRows > 1u); }
  let s = r % params.timesteps;
  let b = r / params.timesteps;
  var v = 0.0;
  if (s > 0u) {
    v = h[(r - 1u) * U + j];
  } else if (params.hasInitialState != 0u) {
    v = side[params.initialStateAt + b * U + j];
  }
  if (RECURRENT_DROPOUT) { v *= side[params.recurrentDropoutAt + b * U + j]; }
  return v;
}

// The last gate's recurrent operand with SAVED_OPERAND, at row r and output row j.
fn savedAt(r: u32, j: u32) -> f32 {
  let U = params.units;
  if (j >= U) { return select(0.0, 1.0, j == U && params.biasRows > 1u); }
  return saved[r * U + j];
}

// The gradient block gate g reads: its own on the kernel side; on the recurrent side the last gate
// reads the last stored block (GRU resetAfter's recurrent h̃ gradient).
fn gradientBlockOf(g: u32) -> u32 {
  return select(g, params.gradientBlocks - 1u, region == RECURRENT_REGION && g == GATES - 1u);
}

// Stages `rows` rows from r0 on. The flat index of each staged float is its lane's loop index, so
// neighbouring lanes load neighbouring output rows (or units) of a row.
fn stageChunk(r0: u32, rows: u32, lane: u32) {
  let lanes = WORKGROUP_X * WORKGROUP_Y;
  let outputRows = 4u * WORKGROUP_Y;
  let stageSaved = SAVED_OPERAND && region == RECURRENT_REGION;
  for (var i = lane; i < rows * outputRows; i += lanes) {
    let r = r0 + i / outputRows;
    let j = rowBase + i % outputRows;
    operandChunk[i / 4u][i % 4u] = operandAt(r, j);
    if (stageSaved) { savedChunk[i / 4u][i % 4u] = savedAt(r, j); }
  }
  let U = params.units;
  let units = 4u * WORKGROUP_X;
  for (var i = lane; i < rows * GATES * units; i += lanes) {
    let r = r0 + i / (GATES * units);
    let u = unitBase + i % units;
    let block = gradientBlockOf(i / units % GATES);
    let o = (r * params.gradientBlocks + block) * U + min(u, U - 1u);
    gradientChunk[i / 4u][i % 4u] = select(0.0, dGates[o], u < U);
  }
}

// The outer product: column i is b times a's element i (output row i's units).
fn outer(b: vec4f, a: vec4f) -> mat4x4f {
  return mat4x4f(b * a.x, b * a.y, b * a.z, b * a.w);
}

// Adds the staged rows' products to lane (lx, ly)'s sums, row after row.
fn addChunk(sums: ptr<function, GateSums>, rows: u32, lx: u32, ly: u32) {
  let useSaved = SAVED_OPERAND && region == RECURRENT_REGION;
  for (var k = 0u; k < rows; k++) {
    let a = operandChunk[k * WORKGROUP_Y + ly];
    var last = a;
    if (useSaved) { last = savedChunk[k * WORKGROUP_Y + ly]; }
    let at = k * GATES * WORKGROUP_X + lx;
    (*sums).g0 += outer(gradientChunk[at], select(a, last, GATES == 1u));
    if (GATES > 1u) { (*sums).g1 += outer(gradientChunk[at + WORKGROUP_X], select(a, last, GATES == 2u)); }
    if (GATES > 2u) { (*sums).g2 += outer(gradientChunk[at + 2u * WORKGROUP_X], select(a, last, GATES == 3u)); }
    if (GATES > 3u) { (*sums).g3 += outer(gradientChunk[at + 3u * WORKGROUP_X], last); }
  }
}

// Output row j of the region's products: a row of dKernel or dRecurrentKernel, or the row of ones' dBias row.
fn storeRow(j: u32, g: u32, u0: u32, value: vec4f) {
  if (region == KERNEL_REGION) {
    if (j < params.features) {
      store(KERNEL_REGION, j, g, u0, value);
    } else if (j == params.features) {
      store(BIAS_REGION, 0u, g, u0, value);
    }
  } else if (j < params.units) {
    store(RECURRENT_REGION, j, g, u0, value);
  } else if (j == params.units && params.biasRows > 1u) {
    store(BIAS_REGION, 1u, g, u0, value);
  }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let place = orderedWorkgroup(wid, nwg);
  let tileRows = 4u * WORKGROUP_Y;
  let kernelRows = params.features + u32(params.biasRows > 0u);
  let kernelGroups = (kernelRows + tileRows - 1u) / tileRows;
  region = select(RECURRENT_REGION, KERNEL_REGION, place.y < kernelGroups);
  rowBase = select(place.y - kernelGroups, place.y, region == KERNEL_REGION) * tileRows;
  unitBase = place.x * 4u * WORKGROUP_X;
  split = place.z;
  let rowBegin = place.z * params.rowsPerSplit;
  let rowEnd = min(rowBegin + params.rowsPerSplit, params.batch * params.timesteps);
  let lane = lid.y * WORKGROUP_X + lid.x;

  var acc = GateSums();
  for (var first = rowBegin; first < rowEnd; first += BLOCK_ROWS) {
    var part = GateSums();
    for (var r0 = first; r0 < min(first + BLOCK_ROWS, rowEnd); r0 += CHUNK_ROWS) {
      let rows = min(CHUNK_ROWS, rowEnd - r0);
      // Every lane has read the previous chunk.
      workgroupBarrier();
      stageChunk(r0, rows, lane);
      workgroupBarrier();
      addChunk(&part, rows, lid.x, lid.y);
    }
    acc = addSums(acc, part);
  }

  let u0 = unitBase + 4u * lid.x;
  if (u0 >= params.units) { return; }
  let j0 = rowBase + 4u * lid.y;
  let tiles = array<mat4x4f, 4>(acc.g0, acc.g1, acc.g2, acc.g3);
  for (var g = 0u; g < GATES; g++) {
    let t = tiles[g];
    storeRow(j0, g, u0, t[0]);
    storeRow(j0 + 1u, g, u0, t[1]);
    storeRow(j0 + 2u, g, u0, t[2]);
    storeRow(j0 + 3u, g, u0, t[3]);
  }
}
