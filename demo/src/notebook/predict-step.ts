/** Step 4: an input sequence (editable, [70, 80, 90] by default) and the trained model's prediction. */
import { errorMessage } from '../common/alerts.js';
import { byId, markInvalid } from '../common/dom.js';
import { formatVector, parseNumbers } from '../common/format.js';
import type { SeedData } from './seed-data.js';
import type { TrainedModel } from './trainer.js';

export interface PredictStep {
  /** The input's numbers when there are exactly `seqLen` of them; else null, and the step says why. */
  probe(seqLen: number): number[] | null;
  /**
   * Keeps the input usable when seqLen changes: the sequence's last seqLen values replace an input of the wrong
   * length.
   */
  follow(data: SeedData): void;
  use(model: TrainedModel | null, seqLen: number): void;
  /** Predicts from the input with the model in use and shows it; null when there is nothing to show. */
  predict(): Promise<number[] | null>;
}

export function createPredictStep(): PredictStep {
  const input = byId('probe', HTMLInputElement);
  const button = byId('predict-button', HTMLButtonElement);
  const output = byId('prediction', HTMLElement);
  const error = byId('predict-error', HTMLParagraphElement);
  let model: TrainedModel | null = null;
  let modelSeqLen = 0;

  function fail(message: string): null {
    error.textContent = message;
    error.hidden = false;
    return null;
  }

  function probe(seqLen: number): number[] | null {
    const values = parseNumbers(input.value);
    const valid = values !== null && values.length === seqLen;
    markInvalid(input, !valid);
    if (!valid) return fail(`The input must be ${seqLen} numbers (seqLen), separated by commas.`);
    error.hidden = true;
    return values;
  }

  async function predict(): Promise<number[] | null> {
    if (!model) return null;
    const values = probe(modelSeqLen);
    if (!values) return null;
    try {
      const prediction = await model.predict(values);
      output.textContent = formatVector(prediction, 2);
      output.dataset.values = JSON.stringify(prediction);
      return prediction;
    } catch (caught) {
      return fail(`Prediction failed: ${errorMessage(caught)}`);
    }
  }

  button.addEventListener('click', () => void predict());
  return {
    probe,
    follow(data) {
      if (parseNumbers(input.value)?.length !== data.seqLen) input.value = data.sequence.slice(-data.seqLen).join(', ');
    },
    use(next, seqLen) {
      model = next;
      modelSeqLen = seqLen;
      button.disabled = next === null;
      if (next === null) {
        output.textContent = '—';
        delete output.dataset.values;
      }
    },
    predict,
  };
}
