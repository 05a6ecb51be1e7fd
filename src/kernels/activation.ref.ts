/**
 * Plain TypeScript reference of src/wgsl/activation.wgsl, in float64: tfjs's definitions and the
 * derivatives its gradient functions compute, NaN and ±Infinity included.
 */
import type { Activation } from './activation.js';

const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473769;
const SOFTPLUS_THRESHOLD = Math.log(2 ** -23) + 2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_NEW_CUBIC = 0.044715;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function softplus(x: number): number {
  if (x > -SOFTPLUS_THRESHOLD) return x;
  if (x < SOFTPLUS_THRESHOLD) return Math.exp(x);
  return Math.log(Math.exp(x) + 1);
}

/** tf.erf's polynomial (Abramowitz & Stegun 7.1.26), not the exact erf. */
export function erf(x: number): number {
  const v = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * v);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return Math.sign(x) * (1 - poly * Math.exp(-v * v));
}

const geluNewInner = (x: number): number => SQRT_2_OVER_PI * (x + GELU_NEW_CUBIC * x * x * x);

export function activateRef(name: Activation, x: number): number {
  switch (name) {
    case 'linear':
      return x;
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'relu':
      return Math.max(x, 0);
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'elu':
      return x >= 0 ? x : Math.exp(x) - 1;
    case 'selu':
      return x >= 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * (Math.exp(x) - 1);
    case 'softsign':
      return x / (Math.abs(x) + 1);
    case 'softplus':
      return softplus(x);
    case 'hardSigmoid':
      return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case 'swish':
      return x * sigmoid(x);
    case 'mish':
      return x * Math.tanh(softplus(x));
    case 'gelu':
      return x * 0.5 * (1 + erf(x / Math.SQRT2));
    case 'gelu_new':
      return 0.5 * x * (1 + Math.tanh(geluNewInner(x)));
  }
}

/** d activate(x) / dx given x and y = activate(x). */
export function activateGradRef(name: Activation, x: number, y: number): number {
  switch (name) {
    case 'linear':
      return 1;
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    // tfjs's step(x) is NaN at NaN.
    case 'relu':
      return Number.isNaN(x) ? x : x > 0 ? 1 : 0;
    case 'relu6':
      return Number.isNaN(x) ? x : x > 0 && x < 6 ? 1 : 0;
    case 'elu':
      return y >= 0 ? 1 : y + 1;
    case 'selu':
      return x > 0 ? SELU_SCALE : SELU_SCALE_ALPHA * Math.exp(x);
    // tfjs differentiates x / (|x| + 1) as a quotient: NaN at ±Infinity.
    case 'softsign': {
      const d = Math.abs(x) + 1;
      return 1 / d - Math.abs(x) / (d * d);
    }
    case 'softplus':
      return sigmoid(x);
    case 'hardSigmoid': {
      const p = 0.2 * x + 0.5;
      return p >= 0 && p <= 1 ? 0.2 : 0;
    }
    case 'swish': {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    }
    case 'mish': {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * sigmoid(x);
    }
    case 'gelu':
      return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    case 'gelu_new': {
      const t = Math.tanh(geluNewInner(x));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_NEW_CUBIC * x * x);
    }
  }
}
