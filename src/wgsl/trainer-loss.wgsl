// The loss of one training step's batch and its gradient with respect to the predictions, over the
// batch's real rows (trainer-batch.wgsl's batch.rows = n; the rows after them are padding):
//
//   e = ŷ − y,   mse: term e²,  dŷ = 2e / (n · outputs);   mae: term |e|,  dŷ = step(e) / (n · outputs)
//   (step(e) = 1 where e > 0, −1 elsewhere, NaN at NaN: tfjs's gradient of abs)
//   padding rows: dŷ = 0 and no term;   losses[batch.epoch] += Σ terms / (outputs · samples)
//
// then finishes the step: progress.fitStep + 1 and, for Adam, β1ᵗ and β2ᵗ one power on (the
// optimizer runs next and reads them). Every term and gradient keeps a NaN or Infinity (nothing is
// masked by multiplying with 0). Needs trainer-progress.wgsl.
//
// The terms are summed into PARTIALS partial sums, element i into partial i mod PARTIALS in
// ascending order, then the partials pairwise by one invocation: the same sum for every workgroup
// size.
//
// Dispatch: one workgroup; each invocation loops over batchSize · outputs / WORKGROUP_SIZE
// elements (the trainer keeps that within llvmpipe's 65,535 loop iterations).

override WORKGROUP_SIZE: u32 = 64;
const PARTIALS = 64u;

var<workgroup> partials: array<f32, PARTIALS>;

// By its bit pattern: no fast-math assumption can fold it away.
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  let elements = params.batchSize * params.outputs;
  let real = batch.rows * params.outputs;
  let scale = 1.0 / f32(real);
  for (var p = lid; p < PARTIALS; p += WORKGROUP_SIZE) {
    var sum = 0.0;
    for (var i = p; i < elements; i += PARTIALS) {
      let e = predictions[i] - batchY[i];
      var term = e * e;
      var gradient = 2.0 * e * scale;
      if (params.loss == 1u) {
        term = abs(e);
        gradient = select(select(-scale, scale, e > 0.0), e, isNan(e));
      }
      if (i < real) {
        sum += term;
      } else {
        gradient = 0.0;
      }
      dPredictions[i] = gradient;
    }
    partials[p] = sum;
  }
  workgroupBarrier();
  if (lid != 0u) { return; }
  for (var width = PARTIALS / 2u; width > 0u; width /= 2u) {
    for (var p = 0u; p < width; p++) { partials[p] += partials[p + width]; }
  }
  progress.losses[batch.epoch] += partials[0] / f32(params.outputs * params.samples);
  progress.fitStep += 1u;
  if (params.adam != 0u) {
    progress.accBeta1 *= params.beta1;
    progress.accBeta2 *= params.beta2;
  }
}
