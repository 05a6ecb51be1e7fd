/**
 * Step 4: the prime, the length and the temperature of samples, and the latest sample. The slider
 * asks for the same sample (same seed) at its new temperature once it is let go; New sample asks
 * with a new seed. Samples that arrive after a newer one was asked for are dropped.
 */
import { byId, markInvalid } from '../common/dom.js';
import { formatNumber } from '../common/format.js';
import type { SampleRequest } from './protocol.js';
import type { Vocabulary } from './vocabulary.js';

const MAX_LENGTH = 2000;

export interface SampleCard {
  /** The request the fields make with this vocabulary, or null (the field marked and explained). */
  request(vocabulary: Vocabulary): SampleRequest | null;
  /** Asks for a sample again: when a field changes (same seed) and on New sample (next seed). */
  onResample(listener: () => void): void;
  /** Numbers a request; only the newest one's sample is shown. */
  asked(): number;
  show(ticket: number, request: SampleRequest, tokens: Int32Array, vocabulary: Vocabulary, when: string): void;
  status(text: string): void;
  /** The prime a newly chosen text starts with. */
  setPrime(text: string): void;
  /** New sample works once there is a model. */
  enable(enabled: boolean): void;
}

export function createSampleCard(): SampleCard {
  const prime = byId('prime', HTMLInputElement);
  const length = byId('sample-length', HTMLInputElement);
  const temperature = byId('temperature', HTMLInputElement);
  const temperatureValue = byId('temperature-value', HTMLOutputElement);
  const resample = byId('resample-button', HTMLButtonElement);
  const error = byId('sample-error', HTMLParagraphElement);
  const statusLine = byId('sample-status', HTMLParagraphElement);
  const output = byId('sample', HTMLPreElement);
  const listeners: (() => void)[] = [];
  let seed = 1;
  let tickets = 0;

  const showTemperature = () => (temperatureValue.value = formatNumber(Number(temperature.value), 2));
  showTemperature();
  temperature.addEventListener('input', showTemperature);
  // Released, not dragged: one sample per choice. A new prime or length asks again too.
  for (const input of [temperature, prime, length])
    input.addEventListener('change', () => listeners.forEach((listener) => listener()));
  resample.addEventListener('click', () => {
    seed++;
    listeners.forEach((listener) => listener());
  });

  function fail(input: HTMLInputElement, message: string): null {
    markInvalid(input, true);
    error.textContent = message;
    error.hidden = false;
    return null;
  }

  return {
    request(vocabulary) {
      markInvalid(prime, false);
      markInvalid(length, false);
      error.hidden = true;
      const count = Number(length.value);
      if (!Number.isInteger(count) || count < 1 || count > MAX_LENGTH)
        return fail(length, `Length must be a whole number from 1 to ${MAX_LENGTH}.`);
      if (prime.value === '') return fail(prime, 'The prime needs at least one character.');
      const missing = vocabulary.missing(prime.value);
      if (missing.length > 0)
        return fail(
          prime,
          `The text has no ${missing.map((c) => JSON.stringify(c)).join(', ')}: the prime cannot use it.`,
        );
      return { prime: vocabulary.encode(prime.value), length: count, temperature: Number(temperature.value), seed };
    },
    onResample: (listener) => listeners.push(listener),
    asked: () => ++tickets,
    show(ticket, request, tokens, vocabulary, when) {
      if (ticket !== tickets) return;
      const primeText = vocabulary.decode(request.prime);
      const generated = vocabulary.decode(tokens);
      const bold = document.createElement('strong');
      bold.textContent = primeText;
      output.replaceChildren(bold, generated);
      output.dataset.temperature = String(request.temperature);
      output.dataset.seed = String(request.seed);
      output.dataset.generated = generated;
      output.hidden = false;
      statusLine.textContent =
        `${when}: ${request.length} characters after the prime (in bold) at temperature ` +
        `${formatNumber(request.temperature, 2)}, seed ${request.seed}.`;
    },
    status(text) {
      statusLine.textContent = text;
    },
    setPrime(text) {
      prime.value = text;
    },
    enable(enabled) {
      resample.disabled = !enabled;
    },
  };
}
