/** Step 1: the raw sequence, seqLen and nSteps (editable), and the windows and shapes they give. */
import { byId, h, markInvalid } from '../common/dom.js';
import { parseNumbers } from '../common/format.js';
import { windowSequence, type SeedData } from './seed-data.js';

export interface SequenceStep {
  /** The current data, or null while an input is invalid (the step says which and why). */
  readonly data: SeedData | null;
  onChange(listener: (data: SeedData | null) => void): void;
}

const MAX_STEPS = 50;

export function createSequenceStep(): SequenceStep {
  const inputs = {
    sequence: byId('raw-sequence', HTMLInputElement),
    seqLen: byId('seq-len', HTMLInputElement),
    nSteps: byId('n-steps', HTMLInputElement),
  };
  const error = byId('data-error', HTMLParagraphElement);
  const rows = byId('windows-table', HTMLTableElement).tBodies[0]!;
  const shapes = byId('shapes', HTMLDListElement);
  const listeners: ((data: SeedData | null) => void)[] = [];
  let data: SeedData | null = null;

  function read(): SeedData | { field: keyof typeof inputs; message: string } {
    const sequence = parseNumbers(inputs.sequence.value);
    if (!sequence) return { field: 'sequence', message: 'The raw sequence must be numbers separated by commas.' };
    const seqLen = Number(inputs.seqLen.value);
    const nSteps = Number(inputs.nSteps.value);
    for (const [field, value] of [
      ['seqLen', seqLen],
      ['nSteps', nSteps],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_STEPS) {
        return { field, message: `${field} must be a whole number from 1 to ${MAX_STEPS}.` };
      }
    }
    if (sequence.length < seqLen + nSteps) {
      return {
        field: 'sequence',
        message: `One window needs seqLen + nSteps = ${seqLen + nSteps} numbers; the sequence has ${sequence.length}.`,
      };
    }
    return windowSequence(sequence, seqLen, nSteps);
  }

  function render(): void {
    const result = read();
    for (const [field, input] of Object.entries(inputs))
      markInvalid(input, 'message' in result && result.field === field);
    if ('message' in result) {
      data = null;
      error.textContent = result.message;
      error.hidden = false;
      rows.replaceChildren();
      shapes.replaceChildren();
    } else {
      data = result;
      error.hidden = true;
      const list = (values: readonly number[]) => h('span', { class: 'mono' }, values.join(', '));
      rows.replaceChildren(
        ...result.windows.map((values, i) =>
          h(
            'tr',
            {},
            h('td', { class: 'number' }, String(i + 1)),
            h('td', {}, list(values)),
            h('td', {}, list(result.targets[i]!)),
          ),
        ),
      );
      const samples = result.windows.length;
      shapes.replaceChildren(
        h(
          'div',
          {},
          h('dt', {}, 'X, the inputs'),
          h('dd', {}, `(${samples}, ${result.seqLen}, 1)`, h('small', {}, ' samples · seqLen · features')),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'Y, the targets'),
          h('dd', {}, `(${samples}, ${result.nSteps})`, h('small', {}, ' samples · nSteps')),
        ),
      );
    }
    for (const listener of listeners) listener(data);
  }

  for (const input of Object.values(inputs)) input.addEventListener('input', render);
  render();
  return {
    get data() {
      return data;
    },
    onChange: (listener) => listeners.push(listener),
  };
}
