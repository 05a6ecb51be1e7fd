// One training step of SimpleRNN(units, activation) → Dense(outputs) under mean squared error:
// forward through time, the error, and backward through time, for one mini-batch of n rows.
//
//   z_s = x_s · kernel + bias + h_{s-1} · recurrentKernel,   h_s = activate(z_s),   h_{-1} = 0
//   ŷ = h_{T-1} · denseKernel + denseBias,   e = ŷ − y        (loss mean(e²), so dŷ = 2e / (n · outputs))
//   dz_{T-1} = (dŷ · denseKernelᵀ) ⊙ activate'(z_{T-1}),   dz_s = (dz_{s+1} · recurrentKernelᵀ) ⊙ activate'(z_s)
//
// Row i of the batch is sample order[epoch][offset + i], epoch and offset following from the step
// counter in `progress`; in predict mode it is sample rowOffset + i, and the step stops at ŷ.
// trainer-update.wgsl then forms the weight gradients and applies Adam. Needs activation.wgsl and
// trainer-progress.wgsl.
//
// Bindings (group 0):
//   0  uniform              params        Params
//   1  storage, read        progress      Progress (trainer-progress.wgsl): step counter slots, per-epoch losses
//   2  storage, read        order         u32 [epochs in this submission, samples]
//   3  storage, read        x             [samples, timesteps, features]
//   4  storage, read        y             [samples, outputs]
//   5  storage, read        weights       kernel [F,U] | recurrentKernel [U,U] | bias [U] | denseKernel [U,O] | denseBias [O]
//   6  storage, read_write  activations   h [batchSize, T, U] | z [batchSize, T, U]
//   7  storage, read_write  dz            [batchSize, T, U]
//   8  storage, read_write  outputs       train: e [batchSize, O]; predict: ŷ [samples, O]
//
// Dispatch: one workgroup per 4 rows of the batch (grid y); its invocations walk the tiles of 4
// units (or 4 outputs), with a storage barrier between timesteps, as recurrence-forward.wgsl.

struct Params {
  samples: u32,
  timesteps: u32,
  features: u32,
  units: u32,
  outputs: u32,
  batchSize: u32,
  stepsPerEpoch: u32,
  parity: u32,
  predict: u32,
  rowOffset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> progress: Progress;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> y: array<f32>;
@group(0) @binding(5) var<storage, read> weights: array<f32>;
@group(0) @binding(6) var<storage, read_write> activations: array<f32>;
@group(0) @binding(7) var<storage, read_write> dz: array<f32>;
@group(0) @binding(8) var<storage, read_write> outputs: array<f32>;

override WORKGROUP_SIZE: u32 = 64;

const LANES = vec4u(0u, 1u, 2u, 3u);

// The batch of this step: its size and where its rows' samples come from.
struct Batch {
  size: u32,
  // predict: the first sample; train: the first row's position in `order`.
  start: u32,
}

fn currentBatch() -> Batch {
  if (params.predict != 0u) {
    return Batch(min(params.batchSize, params.samples - params.rowOffset), params.rowOffset);
  }
  let step = progress.slots[params.parity].fitStep;
  let epoch = step / params.stepsPerEpoch;
  let offset = (step - epoch * params.stepsPerEpoch) * params.batchSize;
  return Batch(min(params.batchSize, params.samples - offset), (epoch - progress.firstEpoch) * params.samples + offset);
}

fn sampleOf(batch: Batch, row: u32) -> u32 {
  if (params.predict != 0u) { return batch.start + row; }
  return order[batch.start + row];
}

fn recurrentBase() -> u32 { return params.features * params.units; }
fn biasBase() -> u32 { return recurrentBase() + params.units * params.units; }
fn denseBase() -> u32 { return biasBase() + params.units; }
fn denseBiasBase() -> u32 { return denseBase() + params.units * params.outputs; }

// Offset of row i's step s in h, z and dz.
fn at(i: u32, s: u32) -> u32 { return (i * params.timesteps + s) * params.units; }
fn zAt(i: u32, s: u32) -> u32 { return params.batchSize * params.timesteps * params.units + at(i, s); }

fn weights4(o: vec4u) -> vec4f { return vec4f(weights[o.x], weights[o.y], weights[o.z], weights[o.w]); }
fn state4(o: u32) -> vec4f { return vec4f(activations[o], activations[o + 1u], activations[o + 2u], activations[o + 3u]); }
fn gradient4(o: u32) -> vec4f { return vec4f(dz[o], dz[o + 1u], dz[o + 2u], dz[o + 3u]); }
fn activations4(o: u32, c: vec4u) -> vec4f { return vec4f(activations[o + c.x], activations[o + c.y], activations[o + c.z], activations[o + c.w]); }

// Writes the first n of v's lanes from o on (unrolled: dynamic lane indexing is slow on SwiftShader).
fn storeActivations(o: u32, n: u32, v: vec4f) {
  activations[o] = v.x;
  if (n > 1u) { activations[o + 1u] = v.y; }
  if (n > 2u) { activations[o + 2u] = v.z; }
  if (n > 3u) { activations[o + 3u] = v.w; }
}

fn storeGradient(o: u32, n: u32, v: vec4f) {
  dz[o] = v.x;
  if (n > 1u) { dz[o + 1u] = v.y; }
  if (n > 2u) { dz[o + 2u] = v.z; }
  if (n > 3u) { dz[o + 3u] = v.w; }
}

fn storeOutputs(o: u32, n: u32, v: vec4f) {
  outputs[o] = v.x;
  if (n > 1u) { outputs[o + 1u] = v.y; }
  if (n > 2u) { outputs[o + 2u] = v.z; }
  if (n > 3u) { outputs[o + 3u] = v.w; }
}

// The workgroup's 4 rows: clamped to the batch for loads; `valid` says which to store.
struct Rows {
  i: vec4u,
  sample: vec4u,
  valid: vec4<bool>,
}

// z_s and h_s for the rows' units u0..u0+3.
fn forwardTile(s: u32, rows: Rows, u0: u32) {
  let U = params.units;
  let F = params.features;
  let c = min(vec4u(u0) + LANES, vec4u(U - 1u));
  let b = weights4(biasBase() + c);
  var a0 = b;
  var a1 = b;
  var a2 = b;
  var a3 = b;
  let xo = (rows.sample * params.timesteps + s) * F;
  for (var f = 0u; f < F; f++) {
    let w = weights4(f * U + c);
    a0 += w * x[xo.x + f];
    a1 += w * x[xo.y + f];
    a2 += w * x[xo.z + f];
    a3 += w * x[xo.w + f];
  }
  if (s > 0u) {
    let prev = vec4u(at(rows.i.x, s - 1u), at(rows.i.y, s - 1u), at(rows.i.z, s - 1u), at(rows.i.w, s - 1u));
    let r = recurrentBase();
    let U4 = U / 4u * 4u;
    for (var k = 0u; k < U4; k += 4u) {
      let w = mat4x4f(weights4(r + k * U + c), weights4(r + (k + 1u) * U + c), weights4(r + (k + 2u) * U + c), weights4(r + (k + 3u) * U + c));
      a0 += w * state4(prev.x + k);
      a1 += w * state4(prev.y + k);
      a2 += w * state4(prev.z + k);
      a3 += w * state4(prev.w + k);
    }
    for (var k = U4; k < U; k++) {
      let w = weights4(r + k * U + c);
      a0 += w * activations[prev.x + k];
      a1 += w * activations[prev.y + k];
      a2 += w * activations[prev.z + k];
      a3 += w * activations[prev.w + k];
    }
  }
  let n = U - u0;
  if (rows.valid.x) { storeActivations(zAt(rows.i.x, s) + u0, n, a0); storeActivations(at(rows.i.x, s) + u0, n, activate(a0)); }
  if (rows.valid.y) { storeActivations(zAt(rows.i.y, s) + u0, n, a1); storeActivations(at(rows.i.y, s) + u0, n, activate(a1)); }
  if (rows.valid.z) { storeActivations(zAt(rows.i.z, s) + u0, n, a2); storeActivations(at(rows.i.z, s) + u0, n, activate(a2)); }
  if (rows.valid.w) { storeActivations(zAt(rows.i.w, s) + u0, n, a3); storeActivations(at(rows.i.w, s) + u0, n, activate(a3)); }
}

// ŷ for the rows' outputs o0..o0+3; stores e = ŷ − y (train) or ŷ (predict).
fn denseTile(rows: Rows, o0: u32) {
  let U = params.units;
  let O = params.outputs;
  let c = min(vec4u(o0) + LANES, vec4u(O - 1u));
  let b = weights4(denseBiasBase() + c);
  var a0 = b;
  var a1 = b;
  var a2 = b;
  var a3 = b;
  let last = vec4u(at(rows.i.x, params.timesteps - 1u), at(rows.i.y, params.timesteps - 1u), at(rows.i.z, params.timesteps - 1u), at(rows.i.w, params.timesteps - 1u));
  let d = denseBase();
  for (var u = 0u; u < U; u++) {
    let w = weights4(d + u * O + c);
    a0 += w * activations[last.x + u];
    a1 += w * activations[last.y + u];
    a2 += w * activations[last.z + u];
    a3 += w * activations[last.w + u];
  }
  let n = O - o0;
  if (params.predict != 0u) {
    if (rows.valid.x) { storeOutputs(rows.sample.x * O + o0, n, a0); }
    if (rows.valid.y) { storeOutputs(rows.sample.y * O + o0, n, a1); }
    if (rows.valid.z) { storeOutputs(rows.sample.z * O + o0, n, a2); }
    if (rows.valid.w) { storeOutputs(rows.sample.w * O + o0, n, a3); }
    return;
  }
  let t = rows.sample * O;
  if (rows.valid.x) { storeOutputs(rows.i.x * O + o0, n, a0 - vec4f(y[t.x + c.x], y[t.x + c.y], y[t.x + c.z], y[t.x + c.w])); }
  if (rows.valid.y) { storeOutputs(rows.i.y * O + o0, n, a1 - vec4f(y[t.y + c.x], y[t.y + c.y], y[t.y + c.z], y[t.y + c.w])); }
  if (rows.valid.z) { storeOutputs(rows.i.z * O + o0, n, a2 - vec4f(y[t.z + c.x], y[t.z + c.y], y[t.z + c.z], y[t.z + c.w])); }
  if (rows.valid.w) { storeOutputs(rows.i.w * O + o0, n, a3 - vec4f(y[t.w + c.x], y[t.w + c.y], y[t.w + c.z], y[t.w + c.w])); }
}

// dz_s for the rows' units u0..u0+3 (s = T-1 takes the dense layer's gradient).
fn backwardTile(s: u32, batchSize: u32, rows: Rows, u0: u32) {
  let U = params.units;
  let O = params.outputs;
  let c = min(vec4u(u0) + LANES, vec4u(U - 1u));
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  if (s + 1u == params.timesteps) {
    let d = denseBase() + c * O;
    let e = rows.i * O;
    for (var o = 0u; o < O; o++) {
      let w = weights4(d + o);
      a0 += w * outputs[e.x + o];
      a1 += w * outputs[e.y + o];
      a2 += w * outputs[e.z + o];
      a3 += w * outputs[e.w + o];
    }
    let scale = 2.0 / f32(batchSize * O);
    a0 *= scale;
    a1 *= scale;
    a2 *= scale;
    a3 *= scale;
  } else {
    let next = vec4u(at(rows.i.x, s + 1u), at(rows.i.y, s + 1u), at(rows.i.z, s + 1u), at(rows.i.w, s + 1u));
    let r = recurrentBase() + c * U;
    let U4 = U / 4u * 4u;
    for (var k = 0u; k < U4; k += 4u) {
      let w = mat4x4f(weights4(r + k), weights4(r + k + 1u), weights4(r + k + 2u), weights4(r + k + 3u));
      a0 += w * gradient4(next.x + k);
      a1 += w * gradient4(next.y + k);
      a2 += w * gradient4(next.z + k);
      a3 += w * gradient4(next.w + k);
    }
    for (var k = U4; k < U; k++) {
      let w = weights4(r + k);
      a0 += w * dz[next.x + k];
      a1 += w * dz[next.y + k];
      a2 += w * dz[next.z + k];
      a3 += w * dz[next.w + k];
    }
  }
  let n = U - u0;
  if (rows.valid.x) { storeGradient(at(rows.i.x, s) + u0, n, a0 * activateGrad(activations4(zAt(rows.i.x, s), c), activations4(at(rows.i.x, s), c))); }
  if (rows.valid.y) { storeGradient(at(rows.i.y, s) + u0, n, a1 * activateGrad(activations4(zAt(rows.i.y, s), c), activations4(at(rows.i.y, s), c))); }
  if (rows.valid.z) { storeGradient(at(rows.i.z, s) + u0, n, a2 * activateGrad(activations4(zAt(rows.i.z, s), c), activations4(at(rows.i.z, s), c))); }
  if (rows.valid.w) { storeGradient(at(rows.i.w, s) + u0, n, a3 * activateGrad(activations4(zAt(rows.i.w, s), c), activations4(at(rows.i.w, s), c))); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let batch = currentBatch();
  let first = wid.y * 4u;
  let i = min(vec4u(first) + LANES, vec4u(batch.size - 1u));
  let rows = Rows(i, vec4u(sampleOf(batch, i.x), sampleOf(batch, i.y), sampleOf(batch, i.z), sampleOf(batch, i.w)), vec4u(first) + LANES < vec4u(batch.size));
  let T = params.timesteps;
  let unitTiles = (params.units + 3u) / 4u;
  for (var s = 0u; s < T; s++) {
    for (var t = lid; t < unitTiles; t += WORKGROUP_SIZE) { forwardTile(s, rows, t * 4u); }
    storageBarrier();
  }
  for (var t = lid; t < (params.outputs + 3u) / 4u; t += WORKGROUP_SIZE) { denseTile(rows, t * 4u); }
  if (params.predict != 0u) { return; }
  storageBarrier();
  for (var stage = 0u; stage < T; stage++) {
    for (var t = lid; t < unitTiles; t += WORKGROUP_SIZE) { backwardTile(T - 1u - stage, batch.size, rows, t * 4u); }
    storageBarrier();
  }
}
