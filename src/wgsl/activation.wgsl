// Elementwise activations of tf.layers (tfjs 4.22), value and derivative, on 4-wide tiles.
//
// No bindings: this module is prepended to the kernels that apply activations (see composeShader in
// src/gpu/kernel.ts). A kernel applies up to two: ACTIVATION (activate, activateGrad) and
// RECURRENT_ACTIVATION (recurrentActivate, recurrentActivateGrad: the gates of LSTM and GRU). The ids
// below mirror ACTIVATIONS in src/kernels/activation.ts, and a test keeps the two in step.
//
// ACTIVATION = RUNTIME_SELECTED (tests use it) makes a kernel take both ids from its params instead:
// its entry point passes them to selectActivations. One pipeline then serves every pair, at the cost
// of a switch evaluated per call (measurably slower at small sizes on SwiftShader).
//
// Definitions follow tfjs's cpu kernels; derivatives follow tfjs's gradient functions, with their
// conventions at kinks: relu'(0) = 0; relu6'(6) = 0 (tf.layers builds relu6 as minimum(6, relu(x)));
// hardSigmoid' is 0.2 on the closed interval. gelu uses tf.erf's polynomial. NaN and ±Infinity come
// out as in tfjs; a NaN is recognised by its bit pattern, which no fast-math assumption can fold away.

override ACTIVATION: u32 = 1u;
override RECURRENT_ACTIVATION: u32 = 9u;

const LINEAR = 0u;
const TANH = 1u;
const SIGMOID = 2u;
const RELU = 3u;
const RELU6 = 4u;
const ELU = 5u;
const SELU = 6u;
const SOFTSIGN = 7u;
const SOFTPLUS = 8u;
const HARD_SIGMOID = 9u;
const SWISH = 10u;
const MISH = 11u;
const GELU = 12u;
const GELU_NEW = 13u;

const RUNTIME_SELECTED: u32 = 255u;

const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473769;
// tfjs's softplus switches to x (above) or exp(x) (below) within float32 epsilon: log(2^-23) + 2.
const SOFTPLUS_THRESHOLD = -13.942385152878742;
const SQRT_HALF = 0.7071067811865476;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_NEW_CUBIC = 0.044715;

// The ids in force: the overrides, unless selectActivations replaced them. Never written otherwise,
// so with compiled-in ids every switch below folds to one case.
var<private> activationIds = vec2u(ACTIVATION, RECURRENT_ACTIVATION);

fn selectActivations(ids: vec2u) {
  if (ACTIVATION == RUNTIME_SELECTED) { activationIds = ids; }
}

fn isNan4(x: vec4f) -> vec4<bool> {
  return (bitcast<vec4u>(x) & vec4u(0x7fffffffu)) > vec4u(0x7f800000u);
}

// value where x is a number, x (NaN) where it is NaN.
fn keepNan(value: vec4f, x: vec4f) -> vec4f {
  return select(value, x, isNan4(x));
}

fn sigmoid4(x: vec4f) -> vec4f {
  return 1.0 / (1.0 + exp(-x));
}

// Written out because exp overflows in the textbook form for |x| > 44. Past |x| ≈ 0.35 (e < 0.5),
// 1 − 2e/(1 + e) rounds once near 1, so y is Math.tanh's float32 within an ulp, and so is the
// derivative 1 − y², which (1 − e)/(1 + e) got up to 100% wrong near saturation (see the test).
fn tanh4(x: vec4f) -> vec4f {
  let e = exp(-2.0 * abs(x));
  let near = (1.0 - e) / (1.0 + e);
  let far = 1.0 - 2.0 * e / (1.0 + e);
  return sign(x) * select(near, far, e < vec4f(0.5));
}

fn softplus4(x: vec4f) -> vec4f {
  let middle = log(exp(x) + 1.0);
  return select(select(middle, exp(x), x < vec4f(SOFTPLUS_THRESHOLD)), x, x > vec4f(-SOFTPLUS_THRESHOLD));
}

// Abramowitz & Stegun 7.1.26, the polynomial of tf.erf.
fn erf4(x: vec4f) -> vec4f {
  let v = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * v);
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign(x) * (1.0 - poly * exp(-v * v));
}

fn geluNewInner(x: vec4f) -> vec4f {
  return SQRT_2_OVER_PI * (x + GELU_NEW_CUBIC * x * x * x);
}

// NaN in, NaN out, as in tfjs: WGSL's max, min and clamp may drop a NaN and SwiftShader's exp(NaN) is
// Infinity, so every result passes a NaN input on explicitly.
fn activationValue(id: u32, x: vec4f) -> vec4f {
  return keepNan(activationOfNumbers(id, x), x);
}

fn activationOfNumbers(id: u32, x: vec4f) -> vec4f {
  switch id {
    case LINEAR: { return x; }
    case TANH: { return tanh4(x); }
    case SIGMOID: { return sigmoid4(x); }
    case RELU: { return max(x, vec4f(0.0)); }
    case RELU6: { return min(max(x, vec4f(0.0)), vec4f(6.0)); }
    case ELU: { return select(exp(x) - 1.0, x, x >= vec4f(0.0)); }
    case SELU: { return select(SELU_SCALE_ALPHA * (exp(x) - 1.0), SELU_SCALE * x, x >= vec4f(0.0)); }
    case SOFTSIGN: { return x / (abs(x) + 1.0); }
    case SOFTPLUS: { return softplus4(x); }
    case HARD_SIGMOID: { return clamp(0.2 * x + 0.5, vec4f(0.0), vec4f(1.0)); }
    case SWISH: { return x * sigmoid4(x); }
    case MISH: { return x * tanh4(softplus4(x)); }
    case GELU: { return x * 0.5 * (1.0 + erf4(x * SQRT_HALF)); }
    case GELU_NEW: { return 0.5 * x * (1.0 + tanh4(geluNewInner(x))); }
    default: { return x; }
  }
}

// d activationValue(id, x) / dx, given x and y = activationValue(id, x), in the form tfjs's gradient
// uses: NaN at a NaN input, except where tfjs's gradient is a constant there (linear: 1, hardSigmoid: 0).
fn activationDerivative(id: u32, x: vec4f, y: vec4f) -> vec4f {
  let d = derivativeOfNumbers(id, x, y);
  if (id == LINEAR || id == HARD_SIGMOID) { return d; }
  return keepNan(d, x);
}

fn derivativeOfNumbers(id: u32, x: vec4f, y: vec4f) -> vec4f {
  let one = vec4f(1.0);
  let zero = vec4f(0.0);
  switch id {
    case LINEAR: { return one; }
    case TANH: { return 1.0 - y * y; }
    case SIGMOID: { return y * (1.0 - y); }
    case RELU: { return select(zero, one, x > zero); }
    case RELU6: { return select(zero, one, (x > zero) & (x < vec4f(6.0))); }
    case ELU: { return select(y + 1.0, one, y >= zero); }
    case SELU: { return select(SELU_SCALE_ALPHA * exp(x), vec4f(SELU_SCALE), x > zero); }
    // tfjs differentiates x / (|x| + 1) as a quotient: NaN at ±Infinity.
    case SOFTSIGN: { let d = abs(x) + 1.0; return 1.0 / d - abs(x) / (d * d); }
    case SOFTPLUS: { return sigmoid4(x); }
    case HARD_SIGMOID: { let p = 0.2 * x + 0.5; return select(zero, vec4f(0.2), (p >= zero) & (p <= one)); }
    case SWISH: { let s = sigmoid4(x); return s + x * s * (1.0 - s); }
    case MISH: { let t = tanh4(softplus4(x)); return t + x * (1.0 - t * t) * sigmoid4(x); }
    case GELU: { return 0.5 * (1.0 + erf4(x * SQRT_HALF)) + x * INV_SQRT_2PI * exp(-0.5 * x * x); }
    case GELU_NEW: {
      let t = tanh4(geluNewInner(x));
      return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_NEW_CUBIC * x * x);
    }
    default: { return one; }
  }
}

fn activate(x: vec4f) -> vec4f {
  return activationValue(activationIds.x, x);
}

fn activateGrad(x: vec4f, y: vec4f) -> vec4f {
  return activationDerivative(activationIds.x, x, y);
}

fn recurrentActivate(x: vec4f) -> vec4f {
  return activationValue(activationIds.y, x);
}

fn recurrentActivateGrad(x: vec4f, y: vec4f) -> vec4f {
  return activationDerivative(activationIds.y, x, y);
}
