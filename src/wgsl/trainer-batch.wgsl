// The mini-batch of one training step, gathered on the GPU, so that many steps share a submission:
//
//   step = progress.fitStep,   epoch = step / stepsPerEpoch,   first = (step mod stepsPerEpoch) · batchSize
//   rows = min(batchSize, samples − first)
//   batchX[i] = x[order[(epoch − firstEpoch) · samples + first + i]],   batchY[i] likewise from y,   i < rows
//   batchX[i] = 0, batchY[i] = 0 for rows ≤ i < batchSize (the short last batch; trainer-loss masks them)
//
// In predict mode (params.predict) row i is sample rowOffset + i, without `order` or y. The first
// invocation writes { rows, epoch } to `batch` for trainer-loss.wgsl. Needs trainer-progress.wgsl and
// workgroup-order.wgsl.
//
// Dispatch: one invocation per element of batchX, then of batchY, in workgroups of WORKGROUP_SIZE;
// grid x·y covers them (y folds past the per-dimension limit). Nothing loops.

override WORKGROUP_SIZE: u32 = 64;

// The step's rows, and where row 0's sample sits (predict: the sample itself; training: in `order`).
struct Rows {
  count: u32,
  start: u32,
  epoch: u32,
}

fn currentRows() -> Rows {
  if (params.predict != 0u) {
    return Rows(min(params.batchSize, params.samples - params.rowOffset), params.rowOffset, 0u);
  }
  let step = progress.fitStep;
  let epoch = step / params.stepsPerEpoch;
  let first = (step - epoch * params.stepsPerEpoch) * params.batchSize;
  let relative = epoch - progress.firstEpoch;
  return Rows(min(params.batchSize, params.samples - first), relative * params.samples + first, relative);
}

fn sampleOf(rows: Rows, i: u32) -> u32 {
  if (params.predict != 0u) { return rows.start + i; }
  return order[rows.start + i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let k = orderedInvocation(wid, nwg, lid, WORKGROUP_SIZE);
  let rows = currentRows();
  if (k == 0u && params.predict == 0u) { batch = Batch(rows.count, rows.epoch); }
  let xSize = params.batchSize * params.rowSize;
  if (k < xSize) {
    let i = k / params.rowSize;
    var value = 0.0;
    if (i < rows.count) { value = x[sampleOf(rows, i) * params.rowSize + k - i * params.rowSize]; }
    batchX[k] = value;
    return;
  }
  let j = k - xSize;
  if (params.predict != 0u || j >= params.batchSize * params.outputs) { return; }
  let i = j / params.outputs;
  var value = 0.0;
  if (i < rows.count) { value = y[sampleOf(rows, i) * params.outputs + j - i * params.outputs]; }
  batchY[j] = value;
}
