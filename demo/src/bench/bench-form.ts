/** The settings form: the cell, presets, B/T/F/U, activation, direction and runs, read back as a BenchConfig. */
import { ACTIVATIONS, isActivation } from 'webgpu-rnn';
import { byId, h, markInvalid } from '../common/dom.js';
import { BENCH_CELLS, CELL_INFO, PRESETS, type BenchConfig } from './bench-config.js';

const LIMITS = { batch: 4096, timesteps: 4096, features: 4096, units: 4096, runs: 50 } as const;
type NumberField = keyof typeof LIMITS;
const NAMES: Record<NumberField, string> = {
  batch: 'B (batch)',
  timesteps: 'T (timesteps)',
  features: 'F (features)',
  units: 'U (units)',
  runs: 'Runs',
};

export interface BenchForm {
  /** The settings, or null (with the faulty field marked and explained) when one is invalid. */
  read(): BenchConfig | null;
}

export function createBenchForm(): BenchForm {
  const numbers = Object.fromEntries(
    (Object.keys(LIMITS) as NumberField[]).map((field) => [field, byId(field, HTMLInputElement)]),
  ) as Record<NumberField, HTMLInputElement>;
  const cell = byId('cell', HTMLSelectElement);
  const activation = byId('activation', HTMLSelectElement);
  const direction = byId('direction', HTMLSelectElement);
  const error = byId('form-error', HTMLParagraphElement);

  cell.replaceChildren(...BENCH_CELLS.map((name) => h('option', { value: name }, CELL_INFO[name].name)));
  activation.replaceChildren(...ACTIVATIONS.map((name) => h('option', { value: name }, name)));
  activation.value = PRESETS[0]!.config.activation;

  function fill(config: Omit<BenchConfig, 'cell'>): void {
    for (const field of Object.keys(LIMITS) as NumberField[]) {
      numbers[field].value = String(config[field]);
      markInvalid(numbers[field], false);
    }
    activation.value = config.activation;
    direction.value = config.goBackwards ? 'backward' : 'forward';
    error.hidden = true;
  }

  byId('presets', HTMLSpanElement).replaceChildren(
    ...PRESETS.map(({ label, config }) => {
      const button = h('button', { type: 'button', class: 'secondary' }, label);
      button.addEventListener('click', () => fill(config));
      return button;
    }),
  );

  return {
    read() {
      const values = {} as Record<NumberField, number>;
      for (const field of Object.keys(LIMITS) as NumberField[]) {
        const value = Number(numbers[field].value);
        const valid = Number.isInteger(value) && value >= 1 && value <= LIMITS[field];
        markInvalid(numbers[field], !valid);
        if (!valid) {
          error.textContent = `${NAMES[field]} must be a whole number from 1 to ${LIMITS[field]}.`;
          error.hidden = false;
          return null;
        }
        values[field] = value;
      }
      error.hidden = true;
      const name = activation.value;
      if (!isActivation(name)) throw new Error(`unknown activation ${name}`);
      const chosen = BENCH_CELLS.find((c) => c === cell.value);
      if (!chosen) throw new Error(`unknown cell ${cell.value}`);
      return { ...values, cell: chosen, activation: name, goBackwards: direction.value === 'backward' };
    },
  };
}
