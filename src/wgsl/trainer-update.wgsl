// The weight gradients of the batch trainer-step.wgsl just ran, and the Adam update, for
// SimpleRNN(units) → Dense(outputs) under mean squared error:
//
//   dKernel = Σ_{i,s} x_sᵀ dz_s,   dRecurrentKernel = Σ_{i,s≥1} h_{s-1}ᵀ dz_s,   dBias = Σ_{i,s} dz_s,
//   dDenseKernel = Σ_i h_{T-1}ᵀ dŷ,   dDenseBias = Σ_i dŷ,   dŷ = 2e / (n · outputs)
//   m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²,   w ← w − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
//
// Adam is tf.train.adam's, step for step: β1ᵗ and β2ᵗ are running products, multiplied after each
// step. Each invocation forms one 4 × 4 tile of one weight's gradient and updates exactly those
// elements, so no gradient is stored. Invocation 0 also adds the batch's loss, Σ e² / (outputs ·
// samples), to its epoch's, and advances the step counter.
//
// The counter has two slots (trainer-progress.wgsl): a step reads slot `parity` and invocation 0
// writes the next step's into the other, which nothing reads during this dispatch; params.parity
// alternates per step.
//
// Bindings (group 0):
//   0  uniform              params        Params
//   1  storage, read_write  progress      Progress: slots [2] { iterations, fitStep, β1ᵗ, β2ᵗ }, firstEpoch, losses [epochs]
//   2  storage, read        order         u32 [epochs in this submission, samples]
//   3  storage, read        x             [samples, timesteps, features]
//   4  storage, read        activations   h [batchSize, T, U] | z [batchSize, T, U]
//   5  storage, read        dz            [batchSize, T, U]
//   6  storage, read        errors        e [batchSize, O]
//   7  storage, read_write  weights       kernel [F,U] | recurrentKernel [U,U] | bias [U] | denseKernel [U,O] | denseBias [O]
//   8  storage, read_write  moments       m (as weights) | v (as weights)
//
// Dispatch: one invocation per tile, over the tiles of the five weights in order (1D grid).

struct Params {
  samples: u32,
  timesteps: u32,
  features: u32,
  units: u32,
  outputs: u32,
  batchSize: u32,
  stepsPerEpoch: u32,
  parity: u32,
  learningRate: f32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> progress: Progress;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> activations: array<f32>;
@group(0) @binding(5) var<storage, read> dz: array<f32>;
@group(0) @binding(6) var<storage, read> errors: array<f32>;
@group(0) @binding(7) var<storage, read_write> weights: array<f32>;
@group(0) @binding(8) var<storage, read_write> moments: array<f32>;

override WORKGROUP_SIZE: u32 = 64;

const LANES = vec4u(0u, 1u, 2u, 3u);

fn parameterCount() -> u32 {
  let F = params.features;
  let U = params.units;
  let O = params.outputs;
  return F * U + U * U + U + U * O + O;
}

// Offset of row i's step s in h and dz (z follows h in activations).
fn at(i: u32, s: u32) -> u32 { return (i * params.timesteps + s) * params.units; }

fn gradient4(o: u32, c: vec4u) -> vec4f { return vec4f(dz[o + c.x], dz[o + c.y], dz[o + c.z], dz[o + c.w]); }
fn state4(o: u32, j: vec4u) -> vec4f { return vec4f(activations[o + j.x], activations[o + j.y], activations[o + j.z], activations[o + j.w]); }
fn inputs4(o: u32, j: vec4u) -> vec4f { return vec4f(x[o + j.x], x[o + j.y], x[o + j.z], x[o + j.w]); }
fn errors4(o: u32, c: vec4u) -> vec4f { return vec4f(errors[o + c.x], errors[o + c.y], errors[o + c.z], errors[o + c.w]); }

// Column k of the result: g scaled by a[k] (an outer product a ⊗ g, one weight row per column).
fn outer(a: vec4f, g: vec4f) -> mat4x4f {
  return mat4x4f(g * a.x, g * a.y, g * a.z, g * a.w);
}

struct Batch {
  size: u32,
  // The first row's position in `order`.
  start: u32,
  epoch: u32,
}

fn currentBatch(slot: Slot) -> Batch {
  let epoch = slot.fitStep / params.stepsPerEpoch;
  let offset = (slot.fitStep - epoch * params.stepsPerEpoch) * params.batchSize;
  return Batch(min(params.batchSize, params.samples - offset), (epoch - progress.firstEpoch) * params.samples + offset, epoch);
}

// A tile of one weight: its base in `weights`, its shape, and the tile's first row and column.
struct Tile {
  base: u32,
  columns: u32,
  rows: u32,
  row0: u32,
  column0: u32,
  kind: u32,
}

const KERNEL = 0u;
const RECURRENT_KERNEL = 1u;
const BIAS = 2u;
const DENSE_KERNEL = 3u;
const DENSE_BIAS = 4u;

fn tileOf(index: u32) -> Tile {
  let F = params.features;
  let U = params.units;
  let O = params.outputs;
  let unitTiles = (U + 3u) / 4u;
  let outputTiles = (O + 3u) / 4u;
  // [weight, rows, columns, column tiles], in storage order.
  var shapes = array(
    vec4u(KERNEL, F, U, unitTiles),
    vec4u(RECURRENT_KERNEL, U, U, unitTiles),
    vec4u(BIAS, 1u, U, unitTiles),
    vec4u(DENSE_KERNEL, U, O, outputTiles),
    vec4u(DENSE_BIAS, 1u, O, outputTiles),
  );
  var base = 0u;
  var first = 0u;
  for (var k = 0u; k < 5u; k++) {
    let shape = shapes[k];
    let tiles = (shape.y + 3u) / 4u * shape.w;
    if (index < first + tiles) {
      let local = index - first;
      return Tile(base, shape.z, shape.y, local / shape.w * 4u, local % shape.w * 4u, shape.x);
    }
    first += tiles;
    base += shape.y * shape.z;
  }
  return Tile(base, 0u, 0u, 0u, 0u, 5u);
}

// The tile's gradient: column k holds row (row0 + k) of the weight's gradient, columns column0...
fn gradientTile(tile: Tile, batch: Batch) -> mat4x4f {
  let T = params.timesteps;
  let j = min(vec4u(tile.row0) + LANES, vec4u(tile.rows - 1u));
  let c = min(vec4u(tile.column0) + LANES, vec4u(tile.columns - 1u));
  var acc = mat4x4f();
  switch tile.kind {
    case KERNEL: {
      for (var i = 0u; i < batch.size; i++) {
        let sample = order[batch.start + i];
        for (var s = 0u; s < T; s++) {
          acc += outer(inputs4((sample * T + s) * params.features, j), gradient4(at(i, s), c));
        }
      }
    }
    case RECURRENT_KERNEL: {
      for (var i = 0u; i < batch.size; i++) {
        for (var s = 1u; s < T; s++) {
          acc += outer(state4(at(i, s - 1u), j), gradient4(at(i, s), c));
        }
      }
    }
    case BIAS: {
      for (var i = 0u; i < batch.size; i++) {
        for (var s = 0u; s < T; s++) { acc[0] += gradient4(at(i, s), c); }
      }
    }
    case DENSE_KERNEL: {
      for (var i = 0u; i < batch.size; i++) {
        acc += outer(state4(at(i, T - 1u), j), errors4(i * params.outputs, c));
      }
      acc *= 2.0 / f32(batch.size * params.outputs);
    }
    default: {
      for (var i = 0u; i < batch.size; i++) { acc[0] += errors4(i * params.outputs, c); }
      acc *= 2.0 / f32(batch.size * params.outputs);
    }
  }
  return acc;
}

fn adam(p: u32, g: f32, slot: Slot) {
  let P = parameterCount();
  let m = moments[p] * params.beta1 + g * params.oneMinusBeta1;
  let v = moments[P + p] * params.beta2 + g * g * params.oneMinusBeta2;
  moments[p] = m;
  moments[P + p] = v;
  let mHat = m / (1.0 - slot.accBeta1);
  let vHat = v / (1.0 - slot.accBeta2);
  weights[p] = mHat / (sqrt(vHat) + params.epsilon) * -params.learningRate + weights[p];
}

// Updates row `row` of the tile (4 columns from column0; unrolled, see trainer-step.wgsl).
fn adamRow(tile: Tile, row: u32, g: vec4f, slot: Slot) {
  if (row >= tile.rows) { return; }
  let p = tile.base + row * tile.columns + tile.column0;
  let n = tile.columns - tile.column0;
  adam(p, g.x, slot);
  if (n > 1u) { adam(p + 1u, g.y, slot); }
  if (n > 2u) { adam(p + 2u, g.z, slot); }
  if (n > 3u) { adam(p + 3u, g.w, slot); }
}

// Invocation 0's bookkeeping: the batch's share of its epoch's loss, and the next step's slot.
fn finishStep(slot: Slot, batch: Batch) {
  var sum = 0.0;
  for (var k = 0u; k < batch.size * params.outputs; k++) { sum += errors[k] * errors[k]; }
  let e = batch.epoch - progress.firstEpoch;
  progress.losses[e] = progress.losses[e] + sum / f32(params.outputs * params.samples);
  progress.slots[1u - params.parity] = Slot(slot.iterations + 1u, slot.fitStep + 1u, slot.accBeta1 * params.beta1, slot.accBeta2 * params.beta2);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let slot = progress.slots[params.parity];
  let batch = currentBatch(slot);
  if (gid.x == 0u) { finishStep(slot, batch); }
  let tile = tileOf(gid.x);
  if (tile.kind > DENSE_BIAS) { return; }
  let g = gradientTile(tile, batch);
  adamRow(tile, tile.row0, g[0], slot);
  adamRow(tile, tile.row0 + 1u, g[1], slot);
  adamRow(tile, tile.row0 + 2u, g[2], slot);
  adamRow(tile, tile.row0 + 3u, g[3], slot);
}
