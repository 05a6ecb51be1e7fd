// Recurrence of a SimpleRNN layer, forward, for steps s in [stepBegin, stepEnd):
//
//   z[b, s, :] = p[b, s, :] + h[b, s-1, :] · recurrentKernel        h[b, -1, :] = initialState[b, :] or 0
//   h[b, s, :] = activate(z[b, s, :])
//
// p (x·kernel + bias, from input-projection.wgsl) arrives in z and is overwritten by z, which the
// backward pass needs for the activation's derivative. Steps are in consumption order.
// Needs activation.wgsl (activate).
//
// Bindings (group 0):
//   0  uniform              params            Params (dynamic offset: one block per dispatch)
//   1  storage, read_write  z                 [batch, timesteps, units]
//   2  storage, read        recurrentKernel   [units, units]
//   3  storage, read        initialState      [batch, units]   (read only when params.hasInitialState)
//   4  storage, read_write  h                 [batch, timesteps, units]
//   5  storage, read_write  last              [batch, units]   h at the last step (written only when params.hasLast)
//
// Dispatch: each invocation owns a tile of 4 batch rows × 4 units; grid y is the row tile, and the
// workgroups along x stride over the unit tiles. Persistent mode: one dispatch runs every step,
// grid x = 1, so a workgroup owns its rows' whole state and a storage barrier separates the steps.
// Stepwise mode: one dispatch per step, grid x spreads the unit tiles.
// With WEIGHTS_IN_WORKGROUP the recurrent kernel is first copied to workgroup memory (persistent
// mode only; needs units² floats of it).

struct Params {
  batch: u32,
  timesteps: u32,
  units: u32,
  hasInitialState: u32,
  stepBegin: u32,
  stepEnd: u32,
  hasLast: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> z: array<f32>;
@group(0) @binding(2) var<storage, read> recurrentKernel: array<f32>;
@group(0) @binding(3) var<storage, read> initialState: array<f32>;
@group(0) @binding(4) var<storage, read_write> h: array<f32>;
@group(0) @binding(5) var<storage, read_write> last: array<f32>;

override WORKGROUP_SIZE: u32 = 64;
override WEIGHTS_IN_WORKGROUP: bool = false;
override WORKGROUP_WEIGHTS: u32 = 1;

var<workgroup> weights: array<f32, WORKGROUP_WEIGHTS>;

// recurrentKernel[k, c] for the tile's 4 units.
fn weightRow(k: u32, c: vec4u) -> vec4f {
  let o = k * params.units;
  if (WEIGHTS_IN_WORKGROUP) {
    return vec4f(weights[o + c.x], weights[o + c.y], weights[o + c.z], weights[o + c.w]);
  }
  return vec4f(recurrentKernel[o + c.x], recurrentKernel[o + c.y], recurrentKernel[o + c.z], recurrentKernel[o + c.w]);
}

fn state4(o: u32) -> vec4f {
  return vec4f(h[o], h[o + 1u], h[o + 2u], h[o + 3u]);
}

fn preactivation(o: u32, c: vec4u) -> vec4f {
  return vec4f(z[o + c.x], z[o + c.y], z[o + c.z], z[o + c.w]);
}

// o: offset of row b's step s in z and h. Writes units u0..u0+3 below `units` (unrolled:
// indexing lanes in a loop is slow on SwiftShader).
fn storeRow(b: u32, s: u32, o: u32, u0: u32, value: vec4f) {
  if (b >= params.batch) { return; }
  let y = activate(value);
  let n = params.units - u0;
  let i = o + u0;
  z[i] = value.x;
  h[i] = y.x;
  if (n > 1u) { z[i + 1u] = value.y; h[i + 1u] = y.y; }
  if (n > 2u) { z[i + 2u] = value.z; h[i + 2u] = y.z; }
  if (n > 3u) { z[i + 3u] = value.w; h[i + 3u] = y.w; }
  if (params.hasLast != 0u && s + 1u == params.timesteps) {
    let l = b * params.units + u0;
    last[l] = y.x;
    if (n > 1u) { last[l + 1u] = y.y; }
    if (n > 2u) { last[l + 2u] = y.z; }
    if (n > 3u) { last[l + 3u] = y.w; }
  }
}

// rows: the tile's batch rows, clamped for loads; stores skip rows from firstRow + i >= batch.
fn stepTile(s: u32, firstRow: u32, rows: vec4u, u0: u32) {
  let U = params.units;
  let c = min(vec4u(u0) + vec4u(0u, 1u, 2u, 3u), vec4u(U - 1u));
  let cur = (rows * params.timesteps + s) * U;
  var a0 = preactivation(cur.x, c);
  var a1 = preactivation(cur.y, c);
  var a2 = preactivation(cur.z, c);
  var a3 = preactivation(cur.w, c);
  if (s > 0u) {
    let prev = cur - U;
    let U4 = U / 4u * 4u;
    for (var k = 0u; k < U4; k += 4u) {
      let w = mat4x4f(weightRow(k, c), weightRow(k + 1u, c), weightRow(k + 2u, c), weightRow(k + 3u, c));
      a0 += w * state4(prev.x + k);
      a1 += w * state4(prev.y + k);
      a2 += w * state4(prev.z + k);
      a3 += w * state4(prev.w + k);
    }
    for (var k = U4; k < U; k++) {
      let w = weightRow(k, c);
      a0 += w * h[prev.x + k];
      a1 += w * h[prev.y + k];
      a2 += w * h[prev.z + k];
      a3 += w * h[prev.w + k];
    }
  } else if (params.hasInitialState != 0u) {
    let prev = rows * U;
    for (var k = 0u; k < U; k++) {
      let w = weightRow(k, c);
      a0 += w * initialState[prev.x + k];
      a1 += w * initialState[prev.y + k];
      a2 += w * initialState[prev.z + k];
      a3 += w * initialState[prev.w + k];
    }
  }
  storeRow(firstRow, s, cur.x, u0, a0);
  storeRow(firstRow + 1u, s, cur.y, u0, a1);
  storeRow(firstRow + 2u, s, cur.z, u0, a2);
  storeRow(firstRow + 3u, s, cur.w, u0, a3);
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
  for (var s = params.stepBegin; s < params.stepEnd; s++) {
    for (var t = wid.x * WORKGROUP_SIZE + lid; t < unitTiles; t += nwg.x * WORKGROUP_SIZE) {
      stepTile(s, firstRow, rows, t * 4u);
    }
    storageBarrier();
  }
}
