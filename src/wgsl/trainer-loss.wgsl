// One training step's loss over the batch's n real rows (batch.rows · stepsPerSample: a head on every
// step has a row per sample and step; later rows are padding, masked) and its gradient with respect to
// the head's outputs; O = outputs, samples counts rows too. See trainer-loss.ts for the losses.
//
//   0 mse:  e = ŷ − y,  term e²,  dŷ = 2e / (n·O);   1 mae:  term |e|,  dŷ = ±1 / (n·O) (−1 at 0, NaN at NaN: tfjs's)
//   2 binary cross-entropy of logit z: term max(z, 0) − z·y + log(1 + exp(−|z|)),  dz = (σ(z) − y) / (n·O);
//     correct: y = [z > 2⁻²³] (float32 σ(z) > 0.5)
//   3 categorical, per row: −log pₖ = (m − zₖ) + log(1 + Σ_{j≠top} exp(zⱼ − m)), m = z_top the largest;
//     term Σ yₖ·(−log pₖ),  dzₖ = (pₖ·Σy − yₖ) / n;  correct: argmax z = argmax y (first of equals)
//   4 sparse: 3 with y one-hot at the row's class id y[row]
//   losses[epoch·V] += Σ terms / (O·samples) (rows: / samples); with params.accuracy (V = 2)
//   losses[epoch·2 + 1] += correct predictions, a count. Then fitStep + 1 and Adam's β powers.
//
// A NaN output gives a NaN term and gradient (a softmax row's, the whole row's), as tfjs; nothing is
// masked by multiplying with 0. Units (elements, or rows) go to partial i mod PARTIALS in order, the
// partials are summed pairwise by one invocation: the same sum for every workgroup size. One workgroup;
// an invocation loops batchSize·O / WORKGROUP_SIZE elements or batchSize / WORKGROUP_SIZE rows of 3·O + 1
// iterations (within llvmpipe's 65,535). Needs trainer-progress.wgsl.

override WORKGROUP_SIZE: u32 = 64;
const PARTIALS = 64u;

var<workgroup> partials: array<f32, PARTIALS>;
var<workgroup> hits: array<f32, PARTIALS>;

// By its bit pattern: no fast-math assumption folds it away.
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// log1p(x), x ≥ 0 (Goldberg's correction).
fn logOnePlus(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * (x / (u - 1.0));
}

struct Term {
  value: f32,
  correct: f32,
}

fn elementTerm(i: u32, scale: f32, real: bool) -> Term {
  let z = predictions[i];
  let t = batchY[i];
  let e = z - t;
  var gradient = 2.0 * e * scale;
  var term = Term(e * e, 0.0);
  if (params.loss == 1u) {
    gradient = select(select(-scale, scale, e > 0.0), e, isNan(e));
    term = Term(abs(e), 0.0);
  } else if (params.loss == 2u) {
    // exp(−|z|) ≤ 1: no overflow at any logit.
    let a = exp(-abs(z));
    let sigma = select(a / (1.0 + a), 1.0 / (1.0 + a), z >= 0.0);
    gradient = select((sigma - t) * scale, z, isNan(z));
    // tfjs's binaryAccuracy: float32 σ(z) > 0.5 (false at NaN).
    let correct = select(0.0, 1.0, t == select(0.0, 1.0, z > 0x1p-23f));
    term = Term(select(max(z, 0.0) - z * t + logOnePlus(a), z, isNan(z)), correct);
  }
  dPredictions[i] = select(0.0, gradient, real);
  return term;
}

fn rowTerm(r: u32, scale: f32, real: bool) -> Term {
  let O = params.outputs;
  let base = r * O;
  let sparse = params.loss == 4u;
  // The first largest logit, a NaN logit if any (then every output of the row), the target's mass and class.
  var m = predictions[base];
  var top = 0u;
  var nan = isNan(m);
  var poison = m;
  var mass = 1.0;
  var label = 0u;
  if (sparse) {
    label = u32(batchY[r]);
  } else {
    mass = batchY[base];
  }
  var best = mass;
  for (var k = 1u; k < O; k++) {
    let z = predictions[base + k];
    if (!nan && isNan(z)) {
      nan = true;
      poison = z;
    }
    if (z > m) {
      m = z;
      top = k;
    }
    if (!sparse) {
      let t = batchY[base + k];
      mass += t;
      if (t > best) {
        best = t;
        label = k;
      }
    }
  }
  // log(1 + Σ_{k≠top}) keeps the top logit's term exact.
  var rest = 0.0;
  for (var k = 0u; k < O; k++) {
    if (k != top) { rest += exp(predictions[base + k] - m); }
  }
  let shift = logOnePlus(rest);
  var term = 0.0;
  for (var k = 0u; k < O; k++) {
    let z = predictions[base + k];
    var t = 0.0;
    if (sparse) {
      t = select(0.0, 1.0, k == label);
    } else {
      t = batchY[base + k];
    }
    let negativeLog = (m - z) + shift;
    term += t * negativeLog;
    let gradient = (exp(-negativeLog) * mass - t) * scale;
    dPredictions[base + k] = select(0.0, select(gradient, poison, nan), real);
  }
  return Term(select(term, poison, nan), select(0.0, 1.0, top == label));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  let rowwise = params.loss >= 3u;
  let units = select(params.batchSize * params.outputs, params.batchSize, rowwise);
  let rows = batch.rows * params.stepsPerSample;
  let real = select(rows * params.outputs, rows, rowwise);
  let scale = 1.0 / f32(real);
  for (var p = lid; p < PARTIALS; p += WORKGROUP_SIZE) {
    var sum = 0.0;
    var correct = 0.0;
    for (var i = p; i < units; i += PARTIALS) {
      var term: Term;
      if (rowwise) {
        term = rowTerm(i, scale, i < real);
      } else {
        term = elementTerm(i, scale, i < real);
      }
      if (i < real) {
        sum += term.value;
        correct += term.correct;
      }
    }
    partials[p] = sum;
    hits[p] = correct;
  }
  workgroupBarrier();
  if (lid != 0u) { return; }
  for (var width = PARTIALS / 2u; width > 0u; width /= 2u) {
    for (var p = 0u; p < width; p++) {
      partials[p] += partials[p + width];
      hits[p] += hits[p + width];
    }
  }
  let perEpoch = 1u + params.accuracy;
  let divisor = select(params.outputs * params.samples, params.samples, rowwise);
  progress.losses[batch.epoch * perEpoch] += partials[0] / f32(divisor);
  if (params.accuracy != 0u) { progress.losses[batch.epoch * 2u + 1u] += hits[0]; }
  progress.fitStep += 1u;
  if (params.adam != 0u) {
    progress.accBeta1 *= params.beta1;
    progress.accBeta2 *= params.beta2;
  }
}
