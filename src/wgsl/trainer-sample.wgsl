// The next token of a generation, drawn from the head's softmax at a temperature τ, O = outputs:
//
//   p_k = exp(z_k/τ − m) / Σ_j exp(z_j/τ − m),   m = max_j z_j/τ
//   u = (pcg(step + pcg(seed)) >> 8) / 2²⁴                       uniform on [0, 1), 24 bits
//   tokens[step + 1] = the first k with Σ_{j ≤ k} exp(z_j/τ − m) > u · Σ_j exp(z_j/τ − m)   (O − 1 if none)
//
// written only once the prime has been fed (step + 1 ≥ primeLength): before that tokens[step + 1] is
// the prime's own. A NaN logit gives no k, so O − 1. Needs pcg-hash.wgsl.
//
// Dispatch: one invocation; one dispatch per generated step. It loops 2·O times.

@compute @workgroup_size(1)
fn main() {
  if (params.step + 1u < params.primeLength) { return; }
  let O = params.outputs;
  var m = logits[0] * params.inverseTemperature;
  for (var k = 1u; k < O; k++) { m = max(m, logits[k] * params.inverseTemperature); }
  var total = 0.0;
  for (var k = 0u; k < O; k++) { total += exp(logits[k] * params.inverseTemperature - m); }
  let threshold = f32(pcg(params.step + pcg(params.seed)) >> 8u) * 0x1p-24f * total;
  var sum = 0.0;
  var choice = O - 1u;
  for (var k = 0u; k < O; k++) {
    sum += exp(logits[k] * params.inverseTemperature - m);
    if (sum > threshold) {
      choice = k;
      break;
    }
  }
  tokens[params.step + 1u] = f32(choice);
}
