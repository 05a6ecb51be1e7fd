// The loss of one training step's batch and its gradient with respect to the head's outputs, over the
// batch's real rows n (trainer-batch.wgsl's batch.rows; the rows after them are padding). O = outputs.
//
//   mse (loss 0), linear head:  e = ŷ − y,  term e²,   dŷ = 2e / (n · O)
//   mae (loss 1), linear head:  term |e|,  dŷ = step(e) / (n · O)
//     (step(e) = 1 where e > 0, −1 elsewhere, NaN at NaN: tfjs's gradient of abs)
//   binary cross-entropy (2), sigmoid head, from its logit z and target t (softplus form, no overflow):
//     term max(z, 0) − z·t + log(1 + exp(−|z|)),   dz = (σ(z) − t) / (n · O);   correct: t = [z > 2⁻²³]
//   categorical cross-entropy (3), softmax head, per row of logits z and targets t (log-sum-exp form):
//     −log pₖ = lse − zₖ = (m − zₖ) + log(1 + Σ_{j ≠ top} exp(zⱼ − m)),  m = z_top = maxₖ zₖ;
//     term Σₖ tₖ·(−log pₖ),   dzₖ = (pₖ·Σt − tₖ) / n;   correct: argmax z = argmax t (first of equals,
//     as tf.argMax)
//   sparse (4): t one-hot at the row's class id c = y[row]: term lse − z_c, dzₖ = (pₖ − [k = c]) / n;
//     correct: argmax z = c
//   padding rows: gradient 0, no term;
//   losses[batch.epoch · V] += Σ terms / (O · samples), or Σ terms / samples for (3) and (4);
//   with params.accuracy (V = 2): losses[batch.epoch · 2 + 1] += correct predictions (elements for
//   (2), rows for (3) and (4)): a count, exact up to 2²⁴ an epoch; the host divides.
//
// then finishes the step: progress.fitStep + 1 and, for Adam, β1ᵗ and β2ᵗ one power on (the
// optimizer runs next and reads them). A NaN output gives a NaN term and gradient (a softmax row's
// NaN, the whole row's), as tfjs; nothing is masked by multiplying with 0. Needs trainer-progress.wgsl.
//
// The terms (elements, or rows for a softmax) are summed into PARTIALS partial sums, unit i into
// partial i mod PARTIALS in ascending order, then the partials pairwise by one invocation: the same
// sum for every workgroup size.
//
// Dispatch: one workgroup; each invocation loops over batchSize · O / WORKGROUP_SIZE elements, or
// batchSize / WORKGROUP_SIZE rows of 3·O + 1 iterations (the trainer keeps that within llvmpipe's
// 65,535 loop iterations).

override WORKGROUP_SIZE: u32 = 64;
const PARTIALS = 64u;

var<workgroup> partials: array<f32, PARTIALS>;
var<workgroup> hits: array<f32, PARTIALS>;

// By its bit pattern: no fast-math assumption can fold it away.
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// log(1 + x) for x ≥ 0, accurate where 1 + x rounds (Goldberg's correction: log1p).
fn logOnePlus(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * (x / (u - 1.0));
}

// A unit's loss term and its correct predictions; the gradient goes to dPredictions.
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
    // exp(−|z|) ≤ 1: neither the term nor σ(z) overflows at any logit.
    let a = exp(-abs(z));
    let sigma = select(a / (1.0 + a), 1.0 / (1.0 + a), z >= 0.0);
    gradient = select((sigma - t) * scale, z, isNan(z));
    // tfjs's binaryAccuracy: σ(z) > 0.5 with σ(z) rounded to float32, that is z > 2⁻²³ (false at NaN).
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
  // The largest logit (the first of equals), a NaN logit if any (it becomes the row's every output),
  // the target's mass and class.
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
  // lse − m = log(1 + Σ_{k ≠ top} exp(zₖ − m)): the top logit's term keeps its digits.
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
  let real = select(batch.rows * params.outputs, batch.rows, rowwise);
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
