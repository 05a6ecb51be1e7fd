// Elementwise activations of tf.layers (tfjs 4.22), value and derivative, on 4-wide tiles.
//
// No bindings: this module is prepended to the kernels that apply an activation
// (see composeShader in src/gpu/kernel.ts). ACTIVATION picks one; the ids below mirror
// ACTIVATIONS in src/kernels/activation.ts, and a test keeps the two in step.
//
// Definitions follow tfjs's cpu kernels; derivatives follow tfjs's gradient functions, with their
// conventions at kinks: relu'(0) = 0; relu6'(6) = 0 (tf.layers builds relu6 as minimum(6, relu(x)));
// hardSigmoid' is 0.2 on the closed interval. gelu uses tf.erf's polynomial.

override ACTIVATION: u32 = 1u;

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

const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473769;
// tfjs's softplus switches to x (above) or exp(x) (below) within float32 epsilon: log(2^-23) + 2.
const SOFTPLUS_THRESHOLD = -13.942385152878742;
const SQRT_HALF = 0.7071067811865476;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_NEW_CUBIC = 0.044715;

fn sigmoid4(x: vec4f) -> vec4f {
  return 1.0 / (1.0 + exp(-x));
}

// Written out because exp overflows in the textbook form for |x| > 44.
fn tanh4(x: vec4f) -> vec4f {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
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

fn activate(x: vec4f) -> vec4f {
  switch ACTIVATION {
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

// d activate(x) / dx, given x and y = activate(x), in the form tfjs's gradient uses.
fn activateGrad(x: vec4f, y: vec4f) -> vec4f {
  let one = vec4f(1.0);
  let zero = vec4f(0.0);
  switch ACTIVATION {
    case LINEAR: { return one; }
    case TANH: { return 1.0 - y * y; }
    case SIGMOID: { return y * (1.0 - y); }
    case RELU: { return select(zero, one, x > zero); }
    case RELU6: { return select(zero, one, (x > zero) & (x < vec4f(6.0))); }
    case ELU: { return select(y + 1.0, one, y >= zero); }
    case SELU: { return select(SELU_SCALE_ALPHA * exp(x), vec4f(SELU_SCALE), x > zero); }
    case SOFTSIGN: { let d = abs(x) + 1.0; return 1.0 / (d * d); }
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
