// Input projection with the GEMM's operands staged in workgroup memory, for GPUs: the sums of
// input-projection.wgsl (its header states them) computed by workgroups whose lanes share what the workgroup
// loads instead of each lane loading its own. Needs workgroup-order.wgsl and input-rows.wgsl.
//
//   gates[b, s, :] = (x[b, t(s), :] ⊙ dm[b, :]) · kernel + bias        t(s) = goBackwards ? timesteps-1-s : s
//
// Dispatch: a workgroup of WORKGROUP_X × WORKGROUP_Y lanes owns 4·WORKGROUP_Y rows × 4·WORKGROUP_X columns;
// lane (x, y) owns 4 rows × 4 columns. Grid x covers the column tiles, grid y·z the row tiles (z folds
// them past the per-dimension limit). For each chunk of CHUNK_FEATURES features the workgroup stages x
// (with its dropout mask) at its rows and kernel at its columns, neighbouring lanes loading neighbouring
// words; then each lane adds the chunk's features' products from workgroup memory, feature after feature,
// onto the bias, so that the sums' order depends on neither CHUNK_FEATURES nor the workgroups' order. Rows
// and columns past the matrix are staged as 0 and never stored.

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
// The input's dropout mask is in `side`.
override INPUT_DROPOUT: bool = false;
// Features staged at once: any count that fits workgroup memory (it changes no bits); even, so that
// inputChunk's stride is odd.
override CHUNK_FEATURES: u32 = 32;

// The chunk's x, [4·WORKGROUP_Y rows][CHUNK_FEATURES + 1]: a row's features in a run that neighbouring lanes
// write, one word apart; the odd stride puts a feature's rows in distinct banks for the lanes that read them.
var<workgroup> inputChunk: array<f32, 4u * WORKGROUP_Y * (CHUNK_FEATURES + 1u)>;

fn inputStride() -> u32 {
  return CHUNK_FEATURES + 1u;
}

// The chunk's kernel, [CHUNK_FEATURES][4·WORKGROUP_X] floats: lane x reads its 4 columns as a vec4.
var<workgroup> kernelChunk: array<vec4f, CHUNK_FEATURES * WORKGROUP_X>;

// Stages features f0..f0+count-1 of the workgroup's rows from rowBase and columns from columnBase.
fn stageChunk(f0: u32, count: u32, rowBase: u32, columnBase: u32, lane: u32) {
  let lanes = WORKGROUP_X * WORKGROUP_Y;
  let rows = 4u * WORKGROUP_Y;
  // Features fastest: neighbouring lanes read neighbouring words of a row of x.
  for (var i = lane; i < rows * count; i += lanes) {
    let row = i / count;
    let k = i % count;
    let r = rowBase + row;
    var v = 0.0;
    if (r < params.rows) {
      let f = f0 + k;
      v = x[inputRowOffset(vec4u(r)).x + f];
      if (INPUT_DROPOUT) { v *= side[inputDropoutOffset(vec4u(r)).x + f]; }
    }
    inputChunk[row * inputStride() + k] = v;
  }
  let columns = 4u * WORKGROUP_X;
  for (var i = lane; i < count * columns; i += lanes) {
    let k = i / columns;
    let c = columnBase + i % columns;
    let o = (f0 + k) * params.columns + min(c, params.columns - 1u);
    kernelChunk[i / 4u][i % 4u] = select(0.0, kernel[o], c < params.columns);
  }
}

// Row r's columns u0..u0+3, those below `columns`.
fn storeRow(r: u32, u0: u32, value: vec4f) {
  if (r < params.rows) { storeGatesRow(r * params.columns + u0, params.columns - u0, value); }
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let place = orderedWorkgroup(wid, nwg);
  let columnBase = place.x * 4u * WORKGROUP_X;
  let rowBase = (place.z * nwg.y + place.y) * 4u * WORKGROUP_Y;
  let lane = lid.y * WORKGROUP_X + lid.x;
  let u0 = columnBase + 4u * lid.x;
  let r0 = rowBase + 4u * lid.y;

  var b = vec4f(0.0);
  if (params.hasBias != 0u) {
    let c = min(vec4u(u0) + vec4u(0u, 1u, 2u, 3u), vec4u(params.columns - 1u));
    b = vec4f(bias[c.x], bias[c.y], bias[c.z], bias[c.w]);
  }
  var sums = mat4x4f(b, b, b, b);
  for (var f0 = 0u; f0 < params.features; f0 += CHUNK_FEATURES) {
    let count = min(CHUNK_FEATURES, params.features - f0);
    // Every lane has read the previous chunk.
    workgroupBarrier();
    stageChunk(f0, count, rowBase, columnBase, lane);
    workgroupBarrier();
    let stride = inputStride();
    let rows = 4u * lid.y * stride;
    for (var k = 0u; k < count; k++) {
      let o = rows + k;
      let a = vec4f(inputChunk[o], inputChunk[o + stride], inputChunk[o + 2u * stride], inputChunk[o + 3u * stride]);
      let w = kernelChunk[k * WORKGROUP_X + lid.x];
      sums[0] += w * a.x;
      sums[1] += w * a.y;
      sums[2] += w * a.z;
      sums[3] += w * a.w;
    }
  }

  if (u0 >= params.columns) { return; }
  storeRow(r0, u0, sums[0]);
  storeRow(r0 + 1u, u0, sums[1]);
  storeRow(r0 + 2u, u0, sums[2]);
  storeRow(r0 + 3u, u0, sums[3]);
}
