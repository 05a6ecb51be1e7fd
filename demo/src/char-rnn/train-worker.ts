/**
 * The training worker: the page's WebGPU work runs here, so the page stays responsive however long
 * an epoch takes. It answers the page's messages (protocol.ts) and trains epoch by epoch, sampling
 * after each, until the epochs are done or the page says stop.
 */
import { errorMessage } from '../common/alerts.js';
import type { PageMessage, SampleRequest, WorkerMessage } from './protocol.js';
import { TrainerSession } from './trainer-session.js';
import { requestWorkerDevice } from './worker-device.js';

// Copied, not transferred: samples and probabilities are small, and the trainer may keep their buffers.
function post(message: WorkerMessage): void {
  self.postMessage(message);
}

async function startSession(): Promise<TrainerSession | null> {
  const found = await requestWorkerDevice();
  if (!found.device) {
    post({ type: 'no-webgpu', why: found.why });
    return null;
  }
  void found.device.lost.then((info) => {
    if (info.reason !== 'destroyed') post({ type: 'lost', message: info.message || 'The browser gave no reason.' });
  });
  post({ type: 'ready', adapter: found.adapter });
  return new TrainerSession(found.device);
}

const session = startSession().catch((error: unknown) => {
  post({ type: 'no-webgpu', why: `Requesting a WebGPU device failed: ${errorMessage(error)}` });
  return null;
});

let stopRequested = false;
// Each epoch's sample follows the page's latest request (its temperature slider, its prime).
let latestSample: SampleRequest | null = null;

async function train(session: TrainerSession, id: number, epochs: number, batchSize: number): Promise<void> {
  let epoch = 1;
  for (; epoch <= epochs && !stopRequested; epoch++) {
    // A new shuffle every epoch, the same for the same run.
    const { loss, ms } = await session.fitEpoch(batchSize, epoch);
    const sample = await session.sample(latestSample!);
    post({ type: 'epoch', id, report: { epoch, loss, ms, sample } });
  }
  post({ type: 'done', id, stopped: epoch <= epochs });
}

async function handle(message: PageMessage): Promise<void> {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  const { id } = message;
  try {
    const ready = await session;
    if (!ready) throw new Error('no WebGPU device in the worker');
    switch (message.type) {
      case 'config':
        // A new run: a stop from now on (while the model is being made, too) ends its training.
        stopRequested = false;
        await ready.configure(message.setup);
        post({ type: 'configured', id });
        break;
      case 'start':
        latestSample = message.sample;
        await train(ready, id, message.epochs, message.batchSize);
        break;
      case 'sample': {
        latestSample = message.sample;
        const tokens = await ready.sample(message.sample);
        post({ type: 'sampled', id, tokens });
        break;
      }
      case 'weights': {
        const model = await ready.exportModel(message.characters, message.probe);
        post({ type: 'exported', id, model });
        break;
      }
    }
  } catch (error) {
    post({ type: 'failed', id, message: errorMessage(error) });
  }
}

self.addEventListener('message', (event: MessageEvent<PageMessage>) => void handle(event.data));
