import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../src/kernels/activation.js';
import { resolveConfig } from '../src/kernels/simple-rnn.js';
import { simpleRNNBackwardRef, simpleRNNForwardRef, type SimpleRNNArrays } from '../src/kernels/simple-rnn.ref.js';
import { random } from './helpers/data.js';

// The reference's BPTT against central finite differences of L = Σ dh ⊙ h, in float64.
// Step 1e-6: truncation error ~1e-12 and rounding ~1e-10, so 1e-6 · (1 + |g|) is a safe bound.
const STEP = 1e-6;
const TOLERANCE = 1e-6;

const PARAMETERS = ['x', 'kernel', 'recurrentKernel', 'bias', 'initialState'] as const;
const GRADIENT_OF = {
  x: 'dx',
  kernel: 'dKernel',
  recurrentKernel: 'dRecurrentKernel',
  bias: 'dBias',
  initialState: 'dInitialState',
} as const;

describe('simpleRNNBackwardRef vs central finite differences', () => {
  const cases = ACTIVATIONS.flatMap((activation) => [false, true].map((goBackwards) => ({ activation, goBackwards })));

  it.each(cases)('$activation goBackwards=$goBackwards', ({ activation, goBackwards }) => {
    const config = resolveConfig({
      batch: 2,
      timesteps: 3,
      features: 2,
      units: 3,
      activation,
      goBackwards,
      useInitialState: true,
    });
    const rng = random(activation.length * 97 + Number(goBackwards));
    const values = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
    const inputs: Record<(typeof PARAMETERS)[number], Float64Array> = {
      x: values(2 * 3 * 2, 1),
      kernel: values(2 * 3, 0.8),
      recurrentKernel: values(3 * 3, 0.6),
      bias: values(3, 0.5),
      initialState: values(2 * 3, 1),
    };
    const dh = values(2 * 3 * 3, 1);
    const loss = (arrays: SimpleRNNArrays) =>
      simpleRNNForwardRef(arrays, config).h.reduce((sum, h, i) => sum + h * dh[i]!, 0);
    const forward = simpleRNNForwardRef(inputs, config);
    const gradients = simpleRNNBackwardRef({ ...inputs, ...forward, dh }, config);

    const bad: string[] = [];
    for (const name of PARAMETERS) {
      const analytic = gradients[GRADIENT_OF[name]];
      inputs[name].forEach((value, i) => {
        const shifted = (delta: number) => {
          const copy = Float64Array.from(inputs[name]);
          copy[i] = value + delta;
          return loss({ ...inputs, [name]: copy });
        };
        const numeric = (shifted(STEP) - shifted(-STEP)) / (2 * STEP);
        if (Math.abs(numeric - analytic[i]!) > TOLERANCE * (1 + Math.abs(numeric))) {
          bad.push(`d/d${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
        }
      });
    }
    expect(bad).toEqual([]);
  });
});
