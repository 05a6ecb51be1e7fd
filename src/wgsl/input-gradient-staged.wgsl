// Input gradient with the GEMM's operands staged in workgroup memory, for GPUs and layers with tiles enough
// to fill one: the sums of input-gradient.wgsl (its header states them) computed by workgroups whose lanes
// share what the workgroup loads instead of each lane loading its own. Needs workgroup-order.wgsl,
// input-rows.wgsl and input-gradient-rows.wgsl.
//
//   dx[b, t(s), :] = (dGates[b, s, :columns] · kernelᵀ) ⊙ dm[b, :]        t(s) = goBackwards ? timesteps-1-s : s
//
// Dispatch: a workgroup of WORKGROUP_X × WORKGROUP_Y lanes owns 4·WORKGROUP_Y rows × 4·WORKGROUP_X features;
// lane (x, y) owns 4 rows × 4 features. Grid x covers the feature tiles, grid y·z the row tiles (z folds
// them past the per-dimension limit). For each chunk of CHUNK_COLUMNS of the gates' columns the workgroup
// stages dGates at its rows and kernel at its features, both row by row with an odd stride: the lanes
// staging a row write neighbouring words, and the lanes reading a column's 4 rows (or 4 features) hit
// distinct banks. Then each lane adds the chunk's columns, column after column, so that the sums' order
// depends on neither CHUNK_COLUMNS nor the workgroups' order. Rows and features past the matrix are
// staged as 0 and never stored.

override WORKGROUP_X: u32 = 8;
override WORKGROUP_Y: u32 = 8;
// The input's dropout mask is in `side`.
override INPUT_DROPOUT: bool = false;
// Columns staged at once: any even count that fits workgroup memory (it changes no bits).
override CHUNK_COLUMNS: u32 = 32;

// The chunk's dGates, [4·WORKGROUP_Y rows][CHUNK_COLUMNS + 1].
var<workgroup> gradientChunk: array<f32, 4u * WORKGROUP_Y * (CHUNK_COLUMNS + 1u)>;
// The chunk's kernel, [4·WORKGROUP_X features][CHUNK_COLUMNS + 1].
var<workgroup> kernelChunk: array<f32, 4u * WORKGROUP_X * (CHUNK_COLUMNS + 1u)>;

fn chunkStride() -> u32 {
  return CHUNK_COLUMNS + 1u;
}

// Stages columns c0..c0+count-1 of the workgroup's rows from rowBase and features from featureBase,
// columns fastest: neighbouring lanes read neighbouring words of a row of dGates or of kernel.
fn stageChunk(c0: u32, count: u32, rowBase: u32, featureBase: u32, lane: u32) {
  let lanes = WORKGROUP_X * WORKGROUP_Y;
  let stride = chunkStride();
  for (var i = lane; i < 4u * WORKGROUP_Y * count; i += lanes) {
    let row = i / count;
    let k = i % count;
    let r = rowBase + row;
    let o = min(r, params.rows - 1u) * params.stride + c0 + k;
    gradientChunk[row * stride + k] = select(0.0, dGates[o], r < params.rows);
  }
  for (var i = lane; i < 4u * WORKGROUP_X * count; i += lanes) {
    let j = i / count;
    let k = i % count;
    let f = featureBase + j;
    let o = min(f, params.features - 1u) * params.columns + c0 + k;
    kernelChunk[j * stride + k] = select(0.0, kernel[o], f < params.features);
  }
}

// The 4 values of a chunk's column k at rows (or features) from `first` on.
fn chunkColumn4(first: u32, k: u32, fromGradients: bool) -> vec4f {
  let stride = chunkStride();
  let o = first * stride + k;
  if (fromGradients) {
    return vec4f(
      gradientChunk[o],
      gradientChunk[o + stride],
      gradientChunk[o + 2u * stride],
      gradientChunk[o + 3u * stride],
    );
  }
  return vec4f(kernelChunk[o], kernelChunk[o + stride], kernelChunk[o + 2u * stride], kernelChunk[o + 3u * stride]);
}

@compute @workgroup_size(WORKGROUP_X, WORKGROUP_Y)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
) {
  let place = orderedWorkgroup(wid, nwg);
  let featureBase = place.x * 4u * WORKGROUP_X;
  let rowBase = (place.z * nwg.y + place.y) * 4u * WORKGROUP_Y;
  let lane = lid.y * WORKGROUP_X + lid.x;

  // Column i: row i's 4 features.
  var sums = mat4x4f();
  for (var c0 = 0u; c0 < params.columns; c0 += CHUNK_COLUMNS) {
    let count = min(CHUNK_COLUMNS, params.columns - c0);
    // Every lane has read the previous chunk.
    workgroupBarrier();
    stageChunk(c0, count, rowBase, featureBase, lane);
    workgroupBarrier();
    for (var k = 0u; k < count; k++) {
      let a = chunkColumn4(4u * lid.y, k, true);
      let w = chunkColumn4(4u * lid.x, k, false);
      sums[0] += w * a.x;
      sums[1] += w * a.y;
      sums[2] += w * a.z;
      sums[3] += w * a.w;
    }
  }

  let f0 = featureBase + 4u * lid.x;
  let r0 = rowBase + 4u * lid.y;
  if (f0 >= params.features || r0 >= params.rows) { return; }
  let f = min(vec4u(f0) + vec4u(0u, 1u, 2u, 3u), vec4u(params.features - 1u));
  let r = min(vec4u(r0) + vec4u(0u, 1u, 2u, 3u), vec4u(params.rows - 1u));
  let dst = inputRowOffset(r);
  if (INPUT_DROPOUT) {
    let drop = inputDropoutOffset(r);
    sums[0] *= dropoutRow(drop.x, f);
    sums[1] *= dropoutRow(drop.y, f);
    sums[2] *= dropoutRow(drop.z, f);
    sums[3] *= dropoutRow(drop.w, f);
  }
  storeRow(true, dst.x, f0, sums[0]);
  storeRow(r0 + 1u < params.rows, dst.y, f0, sums[1]);
  storeRow(r0 + 2u < params.rows, dst.z, f0, sums[2]);
  storeRow(r0 + 3u < params.rows, dst.w, f0, sums[3]);
}
