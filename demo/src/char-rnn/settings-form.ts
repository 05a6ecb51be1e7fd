/**
 * The run's fields (characters of text, cell, layers, units, embedding, steps, batch, epochs,
 * learning rate) and the presets that fill them, read back as RunSettings.
 */
import { TRAINER_CELLS, type TrainerCell } from 'webgpu-rnn';
import { byId, h, markInvalid } from '../common/dom.js';
import { formatCount } from '../common/format.js';
import { LIMITS, PRESETS, type RunSettings } from './run-settings.js';

type NumberField = keyof typeof LIMITS;

const FIELDS: Record<NumberField, { readonly id: string; readonly name: string; readonly integer: boolean }> = {
  characters: { id: 'characters', name: 'Characters', integer: true },
  layers: { id: 'layers', name: 'Layers', integer: true },
  units: { id: 'units', name: 'Units', integer: true },
  embedding: { id: 'embedding', name: 'Embedding', integer: true },
  timesteps: { id: 'timesteps', name: 'Steps', integer: true },
  batchSize: { id: 'batch-size', name: 'Batch', integer: true },
  epochs: { id: 'epochs', name: 'Epochs', integer: true },
  learningRate: { id: 'learning-rate', name: 'Learning rate', integer: false },
};

const NUMBER_FIELDS = Object.keys(FIELDS) as NumberField[];

export interface SettingsForm {
  /** The settings, or null (the faulty field marked and explained) when one is invalid. */
  read(): RunSettings | null;
  /** Whatever field changes (a preset too). */
  onChange(listener: () => void): void;
  /** The most characters the chosen text has. */
  setTextLength(length: number): void;
}

export function createSettingsForm(): SettingsForm {
  const inputs = Object.fromEntries(
    NUMBER_FIELDS.map((field) => [field, byId(FIELDS[field].id, HTMLInputElement)]),
  ) as Record<NumberField, HTMLInputElement>;
  const cell = byId('cell', HTMLSelectElement);
  const error = byId('form-error', HTMLParagraphElement);
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((listener) => listener());
  let textLength: number = LIMITS.characters.max;

  function fill(settings: RunSettings): void {
    for (const field of NUMBER_FIELDS) {
      const value = field === 'characters' ? Math.min(settings.characters, textLength) : settings[field];
      inputs[field].value = String(value);
      markInvalid(inputs[field], false);
    }
    cell.value = settings.cell;
    error.hidden = true;
    changed();
  }

  byId('presets', HTMLSpanElement).replaceChildren(
    ...PRESETS.map((preset) => {
      const button = h('button', { type: 'button', class: 'secondary', title: preset.hint }, preset.name);
      button.addEventListener('click', () => fill(preset.settings));
      return button;
    }),
  );
  for (const input of [...Object.values(inputs), cell]) input.addEventListener('input', changed);

  function readNumber(field: NumberField): number | null {
    const { min, max } = field === 'characters' ? { min: LIMITS.characters.min, max: textLength } : LIMITS[field];
    const value = Number(inputs[field].value);
    const { name, integer } = FIELDS[field];
    const valid =
      inputs[field].value.trim() !== '' && value >= min && value <= max && (!integer || Number.isInteger(value));
    markInvalid(inputs[field], !valid);
    if (!valid) {
      const show = (bound: number) => (integer ? formatCount(bound) : String(bound));
      const kind = integer ? 'a whole number' : 'a number';
      error.textContent = `${name} must be ${kind} from ${show(min)} to ${show(max)}.`;
      error.hidden = false;
    }
    return valid ? value : null;
  }

  return {
    read() {
      const values = {} as Record<NumberField, number>;
      for (const field of NUMBER_FIELDS) {
        const value = readNumber(field);
        if (value === null) return null;
        values[field] = value;
      }
      const chosen = TRAINER_CELLS.find((c): c is TrainerCell => c === cell.value);
      if (!chosen) throw new Error(`unknown cell ${cell.value}`);
      error.hidden = true;
      return { ...values, cell: chosen };
    },
    onChange: (listener) => listeners.push(listener),
    setTextLength(length) {
      textLength = length;
      inputs.characters.max = String(length);
      if (Number(inputs.characters.value) > length) inputs.characters.value = String(length);
    },
  };
}
