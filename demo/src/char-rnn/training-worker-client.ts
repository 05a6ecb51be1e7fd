/**
 * The page's side of the training worker: each request a promise, answered by the message with its
 * id. If the worker itself fails (its script, an uncaught error), every pending request rejects.
 */
import type { AdapterDescription } from '../common/adapter-description.js';
import type {
  EpochReport,
  ExportedModel,
  PageMessage,
  SampleRequest,
  TrainerSetup,
  WorkerMessage,
} from './protocol.js';

type Answer = Extract<WorkerMessage, { id: number }>;

interface Pending {
  readonly settle: (answer: Answer) => void;
  readonly reject: (error: Error) => void;
}

export interface TrainingWorker {
  /** The worker's adapter; rejects, saying why, when it has no WebGPU. */
  readonly ready: Promise<AdapterDescription>;
  /** A new model with fresh weights on this data. */
  configure(setup: TrainerSetup): Promise<void>;
  /** Trains; resolves once the epochs are done or a stop took effect. */
  train(
    epochs: number,
    batchSize: number,
    sample: SampleRequest,
    onEpoch: (report: EpochReport) => void,
  ): Promise<{ stopped: boolean }>;
  /** Training ends after the epoch running now. */
  stop(): void;
  sample(request: SampleRequest): Promise<Int32Array>;
  exportModel(characters: readonly string[], probe: Int32Array): Promise<ExportedModel>;
  /** Called when the worker's device is lost. */
  onLost(listener: (message: string) => void): void;
}

export function startTrainingWorker(): TrainingWorker {
  const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'char-rnn' });
  const pending = new Map<number, Pending>();
  const lostListeners: ((message: string) => void)[] = [];
  let nextId = 1;
  let resolveReady!: (adapter: AdapterDescription) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<AdapterDescription>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });

  function failAll(error: Error): void {
    rejectReady(error);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  }

  worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    if (message.type === 'ready') resolveReady(message.adapter);
    else if (message.type === 'no-webgpu') rejectReady(new Error(message.why));
    else if (message.type === 'lost') for (const listener of lostListeners) listener(message.message);
    else pending.get(message.id)?.settle(message);
  });
  worker.addEventListener('error', (event) =>
    failAll(new Error(`the training worker failed: ${event.message || 'its script did not load'}`)),
  );
  worker.addEventListener('messageerror', () =>
    failAll(new Error('a message from the training worker was unreadable')),
  );

  /** Posts a request; `settle` turns its answers into the result (or undefined while more are to come). */
  function request<T>(message: PageMessage & { id: number }, settle: (answer: Answer) => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      pending.set(message.id, {
        reject,
        settle(answer) {
          if (answer.type === 'failed') {
            pending.delete(answer.id);
            reject(new Error(answer.message));
            return;
          }
          try {
            const result = settle(answer);
            if (result === undefined) return;
            pending.delete(answer.id);
            resolve(result);
          } catch (error) {
            pending.delete(answer.id);
            reject(error as Error);
          }
        },
      });
      const transfer = message.type === 'config' ? [message.setup.x.buffer, message.setup.y.buffer] : [];
      worker.postMessage(message, transfer);
    });
  }

  const unexpected = (answer: Answer): never => {
    throw new Error(`the training worker answered '${answer.type}' to a request it did not match`);
  };

  return {
    ready,
    configure: (setup) =>
      request({ type: 'config', id: nextId++, setup }, (answer) =>
        answer.type === 'configured' ? true : unexpected(answer),
      ).then(() => undefined),
    train: (epochs, batchSize, sample, onEpoch) =>
      request({ type: 'start', id: nextId++, epochs, batchSize, sample }, (answer) => {
        if (answer.type === 'epoch') {
          onEpoch(answer.report);
          return undefined;
        }
        return answer.type === 'done' ? { stopped: answer.stopped } : unexpected(answer);
      }),
    stop: () => worker.postMessage({ type: 'stop' } satisfies PageMessage),
    sample: (sample) =>
      request({ type: 'sample', id: nextId++, sample }, (answer) =>
        answer.type === 'sampled' ? answer.tokens : unexpected(answer),
      ),
    exportModel: (characters, probe) =>
      request({ type: 'weights', id: nextId++, characters, probe }, (answer) =>
        answer.type === 'exported' ? answer.model : unexpected(answer),
      ),
    onLost: (listener) => lostListeners.push(listener),
  };
}
