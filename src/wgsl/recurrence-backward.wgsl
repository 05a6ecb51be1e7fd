// Recurrence of a SimpleRNN layer, backward (BPTT), for stages i in [stageBegin, stageEnd) of 0..T:
//
//   stage i < T, step s = T-1-i:
//     dz[b, s, :] = (dh[b, s, :] + dz[b, s+1, :] · recurrentKernelᵀ) ⊙ activate'(z[b, s, :])
//   stage T:
//     dInitialState[b, :] = dz[b, 0, :] · recurrentKernelᵀ
//
// (the dz[b, T, :] term is zero). dh is the gradient with respect to every output state, or, with
// params.lastStepOnly, to the last state only ([batch, units]; zero at earlier steps). z and h come
// from the forward pass. Steps are in consumption order. Needs activation.wgsl (activateGrad).
//
// Bindings (group 0):
//   0  uniform              params            Params (dynamic offset: one block per dispatch)
//   1  storage, read        dh                [batch, timesteps, units], or [batch, units] if lastStepOnly
//   2  storage, read        z                 [batch, timesteps, units]
//   3  storage, read        h                 [batch, timesteps, units]
//   4  storage, read        recurrentKernel   [units, units]
//   5  storage, read_write  dz                [batch, timesteps, units]
//   6  storage, read_write  dInitialState     [batch, units]
//
// Dispatch: as recurrence-forward.wgsl. Each invocation owns 4 batch rows × 4 units; grid y is the
// row tile; persistent mode runs all T+1 stages in one dispatch (grid x = 1, storage barrier
// between stages), stepwise mode one dispatch per stage with grid x over the unit tiles.

struct Params {
  batch: u32,
  timesteps: u32,
  units: u32,
  stageBegin: u32,
  stageEnd: u32,
  lastStepOnly: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dh: array<f32>;
@group(0) @binding(2) var<storage, read> z: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read> recurrentKernel: array<f32>;
@group(0) @binding(5) var<storage, read_write> dz: array<f32>;
@group(0) @binding(6) var<storage, read_write> dInitialState: array<f32>;

override WORKGROUP_SIZE: u32 = 64;
override WEIGHTS_IN_WORKGROUP: bool = false;
override WORKGROUP_WEIGHTS: u32 = 1;

var<workgroup> weights: array<f32, WORKGROUP_WEIGHTS>;

// recurrentKernel[c, k]: column k of recurrentKernelᵀ for the tile's 4 units.
fn weightColumn(c: vec4u, k: u32) -> vec4f {
  let o = c * params.units + k;
  if (WEIGHTS_IN_WORKGROUP) {
    return vec4f(weights[o.x], weights[o.y], weights[o.z], weights[o.w]);
  }
  return vec4f(recurrentKernel[o.x], recurrentKernel[o.y], recurrentKernel[o.z], recurrentKernel[o.w]);
}

fn gradient4(o: u32) -> vec4f {
  return vec4f(dz[o], dz[o + 1u], dz[o + 2u], dz[o + 3u]);
}

// dz[rows, s+1, :] · recurrentKernelᵀ for the tile; next: offsets of the rows' step s+1.
fn backThroughTime(next: vec4u, c: vec4u, acc: ptr<function, array<vec4f, 4>>) {
  let U = params.units;
  let U4 = U / 4u * 4u;
  for (var k = 0u; k < U4; k += 4u) {
    let w = mat4x4f(weightColumn(c, k), weightColumn(c, k + 1u), weightColumn(c, k + 2u), weightColumn(c, k + 3u));
    (*acc)[0] += w * gradient4(next.x + k);
    (*acc)[1] += w * gradient4(next.y + k);
    (*acc)[2] += w * gradient4(next.z + k);
    (*acc)[3] += w * gradient4(next.w + k);
  }
  for (var k = U4; k < U; k++) {
    let w = weightColumn(c, k);
    (*acc)[0] += w * dz[next.x + k];
    (*acc)[1] += w * dz[next.y + k];
    (*acc)[2] += w * dz[next.z + k];
    (*acc)[3] += w * dz[next.w + k];
  }
}

// dh of row b at step s, for the tile's 4 units.
fn outputGradient(b: u32, s: u32, c: vec4u) -> vec4f {
  var o = (b * params.timesteps + s) * params.units;
  if (params.lastStepOnly != 0u) {
    if (s + 1u < params.timesteps) { return vec4f(0.0); }
    o = b * params.units;
  }
  return vec4f(dh[o + c.x], dh[o + c.y], dh[o + c.z], dh[o + c.w]);
}

// o: offset of row b's step; writes dz = g ⊙ activate'(z) for units u0..u0+3 below `units`
// (unrolled: indexing lanes in a loop is slow on SwiftShader).
fn storeGradient(b: u32, o: u32, u0: u32, c: vec4u, g: vec4f) {
  if (b >= params.batch) { return; }
  let zs = vec4f(z[o + c.x], z[o + c.y], z[o + c.z], z[o + c.w]);
  let hs = vec4f(h[o + c.x], h[o + c.y], h[o + c.z], h[o + c.w]);
  let value = g * activateGrad(zs, hs);
  let n = params.units - u0;
  let i = o + u0;
  dz[i] = value.x;
  if (n > 1u) { dz[i + 1u] = value.y; }
  if (n > 2u) { dz[i + 2u] = value.z; }
  if (n > 3u) { dz[i + 3u] = value.w; }
}

fn storeInitialState(b: u32, u0: u32, value: vec4f) {
  if (b >= params.batch) { return; }
  let n = params.units - u0;
  let i = b * params.units + u0;
  dInitialState[i] = value.x;
  if (n > 1u) { dInitialState[i + 1u] = value.y; }
  if (n > 2u) { dInitialState[i + 2u] = value.z; }
  if (n > 3u) { dInitialState[i + 3u] = value.w; }
}

// rows: the tile's batch rows, clamped for loads; stores skip rows from firstRow + i >= batch.
fn stageTile(stage: u32, firstRow: u32, rows: vec4u, u0: u32) {
  let U = params.units;
  let T = params.timesteps;
  let c = min(vec4u(u0) + vec4u(0u, 1u, 2u, 3u), vec4u(U - 1u));
  var acc = array<vec4f, 4>();
  if (stage == T) {
    backThroughTime(rows * T * U, c, &acc);
    storeInitialState(firstRow, u0, acc[0]);
    storeInitialState(firstRow + 1u, u0, acc[1]);
    storeInitialState(firstRow + 2u, u0, acc[2]);
    storeInitialState(firstRow + 3u, u0, acc[3]);
    return;
  }
  let s = T - 1u - stage;
  let cur = (rows * T + s) * U;
  acc[0] = outputGradient(rows.x, s, c);
  acc[1] = outputGradient(rows.y, s, c);
  acc[2] = outputGradient(rows.z, s, c);
  acc[3] = outputGradient(rows.w, s, c);
  if (stage > 0u) { backThroughTime(cur + U, c, &acc); }
  storeGradient(firstRow, cur.x, u0, c, acc[0]);
  storeGradient(firstRow + 1u, cur.y, u0, c, acc[1]);
  storeGradient(firstRow + 2u, cur.z, u0, c, acc[2]);
  storeGradient(firstRow + 3u, cur.w, u0, c, acc[3]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  if (WEIGHTS_IN_WORKGROUP) {
    for (var i = lid; i < params.units * params.units; i += WORKGROUP_SIZE) {
      weights[i] = recurrentKernel[i];
    }
    workgroupBarrier();
  }
  let firstRow = wid.y * 4u;
  let rows = min(vec4u(firstRow) + vec4u(0u, 1u, 2u, 3u), vec4u(params.batch - 1u));
  let unitTiles = (params.units + 3u) / 4u;
  for (var stage = params.stageBegin; stage < params.stageEnd; stage++) {
    for (var t = wid.x * WORKGROUP_SIZE + lid; t < unitTiles; t += nwg.x * WORKGROUP_SIZE) {
      stageTile(stage, firstRow, rows, t * 4u);
    }
    storageBarrier();
  }
}
