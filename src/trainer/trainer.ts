/**
 * A standalone trainer on a bare GPUDevice, with no tfjs: [Embedding →] stacked recurrent layers of one
 * cell (SimpleRNN, LSTM or GRU) → Dense(outputs) on the last step or every step (linear under MSE or
 * MAE, sigmoid under binary cross-entropy, softmax under categorical cross-entropy), with Adam, SGD or
 * RMSProp, as tfjs's model.fit trains the same sequential model; and, for a language model, tokens
 * sampled on the GPU (sampler.ts). A training step is the core's kernels plus the trainer's own (the
 * batch gather, the loss, the optimizer; the Embedding's two, the dropout masks and the clip where the
 * model has them; model-kernels.ts), all in one compute pass, and a
 * submission records many epochs of steps: the batch is gathered on the GPU from the step counter,
 * per-epoch losses (and correct predictions, for accuracy) accumulate on the GPU and are read back
 * once per submission, Adam's β powers live on the GPU too. Weights move in and out in tfjs's
 * getWeights() order and shapes.
 */
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { storageUsage, submitAndRead, type Readback } from '../gpu/buffers.js';
import { checkDevice } from '../gpu/check-device.js';
import { checkBufferBytes, checkStorageBindings } from '../gpu/device-limits.js';
import { bindKernel, label, pipelineCount } from '../gpu/encode.js';
import { recordChecked } from '../gpu/error-scope.js';
import { pacingHelps, SubmissionPacer, type Pace } from '../gpu/submission-pacer.js';
import { deviceTraits, type DeviceTraits } from '../kernels/strategy.js';
import { describeTrainerBatch } from '../kernels/trainer-batch.js';
import { MAX_EMBEDDING_POSITIONS } from '../kernels/trainer-embedding-gradient.js';
import { lossIterations, MAX_LOSS_ITERATIONS } from '../kernels/trainer-loss.js';
import { trainerLossRef } from '../kernels/trainer-loss.ref.js';
import { clipMode, optimizerStates } from '../kernels/trainer-optimizer.js';
import { resolveTrainerConfig, type ResolvedTrainerConfig, type TrainerConfig } from './config.js';
import {
  toFloat32,
  toTargets,
  toTokens,
  type ClassIds,
  type Matrix2,
  type Matrix3,
  type ShapedData,
  type TokenIds,
} from './data.js';
import { activateOutputs } from './head-config.js';
import { initialWeights } from './initializers.js';
import { dropoutRuns, gatherShape, modelKernels, stepsPerSample, type ModelKernels } from './model-kernels.js';
import { sampleOrder, seededRandom } from './random.js';
import { checkSampleOptions, Sampler, type SampleOptions } from './sampler.js';
import { StepBuffers } from './step-buffers.js';
import { weightLayout, type WeightLayout } from './weight-layout.js';

export interface FitOptions {
  /** Default 1, as model.fit. */
  readonly epochs?: number;
  /** Default 32, as model.fit; larger than the data means one batch of all of it. */
  readonly batchSize?: number;
  /** Shuffle the samples every epoch (default true, as model.fit), seeded by `seed`. */
  readonly shuffle?: boolean;
  readonly seed?: number;
  /**
   * Called after each epoch with its loss (and `acc`, its accuracy, under metrics ['accuracy'], as
   * tfjs's logs); they are read back every `epochsPerSubmit` epochs.
   */
  readonly onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** Epochs recorded per command buffer: all of them by default, 10 when onEpochEnd wants progress. */
  readonly epochsPerSubmit?: number;
}

export interface EpochLogs {
  readonly loss: number;
  /** The epoch's accuracy: under metrics ['accuracy'] only. */
  readonly acc?: number;
}

/** Every epoch's loss; under metrics ['accuracy'], `acc` holds every epoch's accuracy beside them. */
export type FitHistory = number[] & { readonly acc?: number[] };

const FIT_OPTIONS = ['epochs', 'batchSize', 'shuffle', 'seed', 'onEpochEnd', 'epochsPerSubmit'] as const;

/** x [samples][timesteps][features], or with an Embedding token ids [samples][timesteps]. */
export type TrainerInput = Matrix3 | ShapedData | TokenIds;
/**
 * [samples][outputs] targets, or for loss 'sparseCategoricalCrossentropy' class ids [samples]; under
 * returnSequences [samples][timesteps][outputs] or class ids [samples][timesteps].
 */
export type TrainerTarget = Matrix2 | Matrix3 | ShapedData | ClassIds;

export interface Trainer {
  readonly device: GPUDevice;
  readonly config: ResolvedTrainerConfig;
  /**
   * Dispatches per training step (one mini-batch) at the last fit's batch size (32 before any):
   * 5·layers + 5 (see docs/trainer.md#dispatches-per-step), 2 more with an Embedding, more only where
   * a recurrence is chunked, a weight gradient split or the gradients clipped.
   */
  readonly dispatchesPerStep: number;
  /**
   * x [N][T][F] (token ids [N][T] with an Embedding) and y [N][outputs] (or typed arrays with shapes),
   * uploaded once; under sparse categorical cross-entropy y is class ids [N]; under returnSequences
   * each sample's targets are per step: [N][T][outputs], or class ids [N][T].
   */
  setData(x: TrainerInput, y: TrainerTarget): void;
  /** Trains; resolves to the loss of every epoch (and their accuracies under metrics ['accuracy']). */
  fit(options?: FitOptions): Promise<FitHistory>;
  /**
   * ŷ [N, outputs] (under returnSequences [N, T, outputs]), row-major: the head's outputs after its
   * activation (probabilities for sigmoid, softmax).
   */
  predict(x: TrainerInput): Promise<Float32Array>;
  /**
   * A language model's generation, on the GPU in one submission: the prime's tokens fed one at a time,
   * then `length` tokens, each drawn from the softmax head at `temperature` by a seeded generator and
   * fed back, the states kept on the GPU. Needs a softmax head and token input: an Embedding, or
   * one-hot x (features = outputs). Resolves to the `length` drawn token ids.
   */
  sample(options: SampleOptions): Promise<Int32Array>;
  /** The configured loss over x and y, in float64 from the head's outputs (the logits for cross-entropy). */
  evaluate(x: TrainerInput, y: TrainerTarget): Promise<number>;
  /**
   * Every recurrent layer's kernel, recurrent_kernel and bias, then the Dense kernel and bias:
   * row-major, Keras shapes.
   */
  getWeights(): Promise<Float32Array[]>;
  setWeights(weights: readonly Float32Array[]): void;
  /** Releases every GPU buffer; the trainer cannot be used after. */
  destroy(): void;
}

// Values the progress buffer holds per submission: an epoch's loss, and its correct predictions
// under metrics ['accuracy']. So the most epochs one submission records: 4,096, or 2,048 with accuracy.
const MAX_EPOCH_VALUES = 4096;
const PROGRESS_EPOCHS_PER_SUBMIT = 10;
// Bytes of sample order one submission may upload; longer fits are split into more submissions.
const MAX_ORDER_BYTES = 64 << 20;
// Steps of a fit's submissions while their pace is being learnt: enough to measure, so that the
// submissions after them wait rather than poll (submission-pacer.ts).
const LEARNING_STEPS = 32;
// Progress buffer (trainer-progress.wgsl): fitStep u32, firstEpoch u32, β1ᵗ f32, β2ᵗ f32, losses f32[].
const FIRST_EPOCH_OFFSET = 4;
const LOSSES_OFFSET = 16;
const DEFAULT_BATCH_SIZE = 32;

export async function createTrainer(device: GPUDevice, config: TrainerConfig): Promise<Trainer> {
  checkDevice('createTrainer: device', device);
  const c = resolveTrainerConfig(config);
  const traits = deviceTraits(device);
  const layout = weightLayout(c, device.limits.minStorageBufferOffsetAlignment);
  checkBufferBytes('the weights need', 2 * layout.floats * 4, device.limits);
  // Every kernel's limits, at the default batch size, before any GPU work.
  const kernels = modelKernels(c, layout, { samples: DEFAULT_BATCH_SIZE, batchSize: DEFAULT_BATCH_SIZE }, traits);
  checkBindings(kernels, device.limits);
  const weights = await initialWeights(c, c.seed ?? Math.floor(Math.random() * 2 ** 32));
  const { value: trainer, checked } = recordChecked(
    device,
    'createTrainer',
    () => new GPUTrainer(device, c, layout, traits, kernels.dispatchesPerStep),
  );
  try {
    trainer.setWeights(weights);
    await checked;
  } catch (error) {
    trainer.destroy();
    throw error;
  }
  return trainer;
}

function checkBindings(kernels: ModelKernels, limits: GPUSupportedLimits): void {
  const runs = [
    kernels.batch,
    kernels.optimizer,
    ...(kernels.clip ? [kernels.clip] : []),
    kernels.head.loss,
    ...(kernels.embedding ? [kernels.embedding.lookup, kernels.embedding.gradient] : []),
    ...kernels.layers.flatMap((l) => [l.projection, l.forward, l.backward, l.gradients.run]),
  ];
  checkStorageBindings(
    runs.map((run) => run.spec),
    limits,
  );
}

interface Data {
  readonly x: GPUBuffer;
  readonly y: GPUBuffer;
  readonly samples: number;
}

class GPUTrainer implements Trainer {
  dispatchesPerStep: number;
  private readonly buffers = new Set<GPUBuffer>();
  private readonly weights: GPUBuffer;
  private readonly gradients: GPUBuffer;
  private readonly moments: GPUBuffer | null;
  private readonly progress: GPUBuffer;
  private readonly tensorStarts: GPUBuffer | null = null;
  private readonly clipScales: GPUBuffer | null = null;
  private data: Data | null = null;
  private order: GPUBuffer | null = null;
  private step: StepBuffers | null = null;
  private sampler: Sampler | null = null;
  private lost: GPUDeviceLostInfo | null = null;
  private destroyed = false;
  // Set while fit runs: its submissions rely on the step counter and on the buffers staying put.
  private fitting = false;
  // Per batch size: how long its training steps take, learnt from fit's submissions.
  private readonly pacers = new Map<number, SubmissionPacer>();

  constructor(
    readonly device: GPUDevice,
    readonly config: ResolvedTrainerConfig,
    private readonly layout: WeightLayout,
    private readonly traits: DeviceTraits,
    dispatchesPerStep: number,
  ) {
    this.dispatchesPerStep = dispatchesPerStep;
    device.lost.then((info) => {
      this.lost = info;
    });
    const bytes = layout.floats * 4;
    this.weights = this.buffer('weights', bytes);
    this.gradients = this.buffer('gradients', bytes);
    const states = optimizerStates(config.optimizer);
    this.moments = states > 0 ? this.buffer('moments', states * bytes) : null;
    if (clipMode(config.optimizer) !== 0) {
      const starts = Uint32Array.from(layout.tensors, (tensor) => tensor.offset);
      this.tensorStarts = this.buffer('tensor starts', starts.byteLength);
      device.queue.writeBuffer(this.tensorStarts, 0, starts);
      this.clipScales = this.buffer('clip scales', starts.byteLength);
    }
    this.progress = this.buffer('progress', LOSSES_OFFSET + MAX_EPOCH_VALUES * 4);
    device.queue.writeBuffer(this.progress, 0, Float32Array.of(0, 0, 1, 1));
  }

  private buffer(name: string, bytes: number): GPUBuffer {
    const buffer = this.device.createBuffer({
      label: label('trainer', name),
      size: Math.max(bytes, 16),
      usage: storageUsage(),
    });
    this.buffers.add(buffer);
    return buffer;
  }

  private release(buffer: GPUBuffer | undefined | null): void {
    if (!buffer) return;
    this.buffers.delete(buffer);
    buffer.destroy();
  }

  private checkUsable(): void {
    if (this.destroyed) throw new Error('trainer: this trainer was destroyed; create a new one');
    if (this.lost) throw lostError(this.lost);
  }

  private checkIdle(call: string): void {
    this.checkUsable();
    if (this.fitting) throw new Error(`trainer.${call}: a fit is running; await it first`);
  }

  setData(x: TrainerInput, y: TrainerTarget): void {
    this.checkIdle('setData');
    const { outputs: O, loss, returnSequences, timesteps: T } = this.config;
    const inputs = this.inputs(x);
    const targets = toTargets('y', y, loss, O, inputs.samples, returnSequences ? T : null);
    checkBufferBytes('x needs', inputs.data.byteLength, this.device.limits);
    this.release(this.data?.x);
    this.release(this.data?.y);
    this.data = { x: this.upload('x', inputs.data), y: this.upload('y', targets.data), samples: inputs.samples };
  }

  /** x checked as the model takes it: values [N, T, F], or token ids [N, T] with an Embedding. */
  private inputs(x: TrainerInput): { data: Float32Array; samples: number } {
    const { timesteps: T, features: F, embedding } = this.config;
    return embedding ? toTokens('x', x, T, embedding.inputDim) : toFloat32('x', x, [T, F]);
  }

  private upload(name: string, data: Float32Array): GPUBuffer {
    const buffer = this.buffer(name, data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
    return buffer;
  }

  /** The step's buffers and bound kernels for `batchSize` rows, rebuilt when the batch size changes. */
  private stepFor(shape: { samples: number; batchSize: number }): { step: StepBuffers; kernels: ModelKernels } {
    const kernels = modelKernels(this.config, this.layout, shape, this.traits);
    if (this.step?.kernels.layers[0]!.shape.batch !== shape.batchSize) {
      const { timesteps: T, units } = this.config;
      checkBufferBytes(
        `batches of ${shape.batchSize} need`,
        shape.batchSize * T * Math.max(...units) * 4 * 4,
        this.device.limits,
      );
      this.step?.destroy();
      this.step = null;
      this.step = new StepBuffers(this.device, kernels, this.layout, {
        weights: this.weights,
        gradients: this.gradients,
        moments: this.moments,
        progress: this.progress,
        tensorStarts: this.tensorStarts,
        clipScales: this.clipScales,
      });
    }
    return { step: this.step, kernels };
  }

  private orderFor(values: number): GPUBuffer {
    if (this.order && this.order.size >= values * 4) return this.order;
    this.release(this.order);
    this.order = this.buffer('order', values * 4);
    return this.order;
  }

  async fit(options: FitOptions = {}): Promise<FitHistory> {
    this.checkIdle('fit');
    checkOptions('fit: options', options, FIT_OPTIONS);
    if (!this.data) throw new Error('trainer.fit: no data; call setData(x, y) first');
    this.fitting = true;
    try {
      return await this.train(this.data, options);
    } finally {
      this.fitting = false;
    }
  }

  private async train(data: Data, options: FitOptions): Promise<FitHistory> {
    const epochs = checkPositiveInteger('fit: epochs', options.epochs ?? 1);
    const samples = data.samples;
    const batchSize = Math.min(
      checkPositiveInteger('fit: batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE),
      samples,
    );
    const { outputs, loss, metrics, embedding, timesteps } = this.config;
    const S = stepsPerSample(this.config);
    if (lossIterations(batchSize * S, outputs, loss) > MAX_LOSS_ITERATIONS) {
      throw new RangeError(
        `fit: batchSize: ${batchSize * S} rows of ${outputs} outputs exceed what one step's loss sums ` +
          `(${MAX_LOSS_ITERATIONS} loop iterations an invocation); use a smaller batch`,
      );
    }
    if (embedding && batchSize * timesteps > MAX_EMBEDDING_POSITIONS)
      throw new RangeError(
        `fit: batchSize: ${batchSize} samples of ${timesteps} tokens exceed what one step's embedding ` +
          `gradient sums (${MAX_EMBEDDING_POSITIONS} tokens); use a smaller batch`,
      );
    // Progress values per epoch: its loss, then under metrics ['accuracy'] its correct predictions.
    const perEpoch = 1 + metrics.length;
    // Predictions an epoch's accuracy counts: one per output under a sigmoid, one per row under a softmax.
    const predictions = samples * S * (this.config.outputActivation === 'sigmoid' ? outputs : 1);
    const stepsPerEpoch = Math.ceil(samples / batchSize);
    const wanted = options.epochsPerSubmit ?? (options.onEpochEnd ? PROGRESS_EPOCHS_PER_SUBMIT : epochs);
    const perSubmit = Math.min(
      checkPositiveInteger('fit: epochsPerSubmit', wanted),
      MAX_EPOCH_VALUES / perEpoch,
      Math.max(1, Math.floor(MAX_ORDER_BYTES / (samples * 4))),
      epochs,
    );
    if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean')
      throw new TypeError(`fit: shuffle: expected a boolean; got ${describeValue(options.shuffle)}`);
    if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== 'function')
      throw new TypeError('fit: onEpochEnd: expected a function (epoch, { loss, acc })');
    // Seeds the shuffle and the dropout masks (new ones every fit, as tfjs's are).
    const seed = checkSeed('fit: seed', options.seed) ?? Math.floor(Math.random() * 2 ** 32);
    const random = options.shuffle === false ? null : seededRandom(seed);

    const shape = { samples, batchSize };
    const order = this.orderFor(perSubmit * samples);
    let steps: (() => void) | null = null;
    let pass: GPUComputePassEncoder | null = null;
    const prepare = () => {
      const { step, kernels } = this.stepFor(shape);
      this.dispatchesPerStep = kernels.dispatchesPerStep;
      const gather = bindKernel(this.device, kernels.batch, {
        progress: this.progress,
        order,
        x: data.x,
        y: data.y,
        batchX: step.batchX,
        batchY: step.batchY,
        batch: step.batch,
      });
      const loss = bindKernel(this.device, kernels.head.loss, {
        progress: this.progress,
        batch: step.batch,
        predictions: step.predictions,
        batchY: step.batchY,
        dPredictions: step.dPredictions,
      });
      const dropouts = dropoutRuns(kernels, seed, this.traits).flatMap((run, l) =>
        run
          ? [bindKernel(this.device, run, { progress: this.progress, ids: step.batchX, side: step.layerSides[l] })]
          : [],
      );
      const all = [gather, ...dropouts, ...step.forward, loss, ...step.backward];
      return () => {
        for (const kernel of all) kernel.issue(pass!);
      };
    };

    // Pacing helps only where Dawn for Node polls on a software adapter; elsewhere a wait only idles.
    let pacer = pacingHelps(this.traits) ? this.pacers.get(batchSize) : null;
    if (pacer === undefined) this.pacers.set(batchSize, (pacer = new SubmissionPacer()));
    const history: number[] = [];
    const accuracies: number[] = [];
    for (let first = 0; first < epochs;) {
      let count = Math.min(perSubmit, epochs - first);
      if (pacer?.learning && options.epochsPerSubmit === undefined)
        count = Math.min(count, Math.ceil(LEARNING_STEPS / stepsPerEpoch));
      const orders = new Uint32Array(count * samples);
      for (let e = 0; e < count; e++) orders.set(sampleOrder(samples, random), e * samples);
      const pipelines = pipelineCount(this.device);
      const pace = pacer?.pace(count * stepsPerEpoch);
      const values = await this.read(
        'trainer.fit',
        (encoder) => {
          steps ??= prepare();
          // A fit counts its steps from 0 (Adam's β powers carry on, as tf.train.adam's do).
          if (first === 0) this.device.queue.writeBuffer(this.progress, 0, Uint32Array.of(0));
          this.device.queue.writeBuffer(order, 0, orders);
          this.device.queue.writeBuffer(this.progress, FIRST_EPOCH_OFFSET, Uint32Array.of(first));
          encoder.clearBuffer(this.progress, LOSSES_OFFSET, count * perEpoch * 4);
          pass = encoder.beginComputePass({ label: label('trainer', 'steps') });
          for (let s = 0; s < count * stepsPerEpoch; s++) steps();
          pass.end();
          return { buffer: this.progress, offset: LOSSES_OFFSET, floats: count * perEpoch };
        },
        // A submission that compiled pipelines is no measure of its steps.
        pace && { waitMs: pace.waitMs, done: (ms) => pipelineCount(this.device) === pipelines && pace.done(ms) },
      );
      for (let e = 0; e < count; e++) {
        const loss = values[e * perEpoch]!;
        const logs: EpochLogs = perEpoch === 2 ? { loss, acc: values[e * 2 + 1]! / predictions } : { loss };
        history.push(logs.loss);
        if (logs.acc !== undefined) accuracies.push(logs.acc);
        await options.onEpochEnd?.(first + e, logs);
      }
      this.checkUsable();
      first += count;
    }
    return metrics.length > 0 ? Object.assign(history, { acc: accuracies }) : history;
  }

  /** submitAndRead (WebGPU errors reject), saying so when the device was lost. */
  private async read(
    what: string,
    record: (encoder: GPUCommandEncoder) => Readback,
    pace?: Pace,
  ): Promise<Float32Array> {
    try {
      return await submitAndRead(this.device, what, record, pace);
    } catch (cause) {
      throw this.lost ? lostError(this.lost) : cause;
    }
  }

  async predict(x: TrainerInput): Promise<Float32Array> {
    const { outputActivation, outputs } = this.config;
    return activateOutputs(await this.outputs(x, 'trainer.predict'), outputActivation, outputs);
  }

  /** The Dense head's outputs before its activation: ŷ, or the logits of a sigmoid or softmax head. */
  private async outputs(x: TrainerInput, call: string): Promise<Float32Array> {
    this.checkUsable();
    const O = this.config.outputs;
    const S = stepsPerSample(this.config);
    const inputs = this.inputs(x);
    checkBufferBytes('x needs', inputs.data.byteLength, this.device.limits);
    const batchSize = this.step?.kernels.layers[0]!.shape.batch ?? Math.min(DEFAULT_BATCH_SIZE, inputs.samples);
    const shape = { samples: inputs.samples, batchSize };
    const temporary: GPUBuffer[] = [];
    try {
      return await this.read(call, (encoder) => {
        const { step } = this.stepFor(shape);
        const xBuffer = this.upload('predict x', inputs.data);
        const predictions = this.buffer('predictions', inputs.samples * S * O * 4);
        temporary.push(xBuffer, predictions);
        const batches = describeTrainerBatch(
          gatherShape(this.config, inputs.samples, batchSize),
          'predict',
          { workgroupOrder: 'natural' },
          this.traits,
        );
        batches.dispatches.forEach((dispatch, b) => {
          const gather = bindKernel(
            this.device,
            { ...batches, dispatches: [dispatch] },
            { progress: this.progress, x: xBuffer, batchX: step.batchX },
          );
          const pass = encoder.beginComputePass({ label: label('trainer', 'predict') });
          for (const kernel of [gather, ...step.inference]) kernel.issue(pass);
          pass.end();
          const rows = Math.min(batchSize, inputs.samples - dispatch.params.rowOffset) * S;
          const at = dispatch.params.rowOffset * S * O * 4;
          encoder.copyBufferToBuffer(step.predictions, 0, predictions, at, rows * O * 4);
        });
        return { buffer: predictions, offset: 0, floats: inputs.samples * S * O };
      });
    } finally {
      for (const buffer of temporary) this.release(buffer);
    }
  }

  async evaluate(x: TrainerInput, y: TrainerTarget): Promise<number> {
    const { timesteps, outputs, loss, returnSequences } = this.config;
    const samples = this.inputs(x).samples;
    const targets = toTargets('y', y, loss, outputs, samples, returnSequences ? timesteps : null).data;
    // Every step's rows count as samples of their own, as the loss averages over them.
    const rows = samples * stepsPerSample(this.config);
    const shape = { samples: rows, outputs, batchSize: rows };
    return trainerLossRef(await this.outputs(x, 'trainer.evaluate'), targets, shape, rows, loss).epochLoss;
  }

  async sample(options: SampleOptions): Promise<Int32Array> {
    this.checkIdle('sample');
    const generation = checkSampleOptions(this.config, options);
    this.sampler ??= new Sampler(this.device, this.config, this.layout, this.traits, this.weights);
    const sampler = this.sampler;
    const tokens = await this.read('trainer.sample', (encoder) => sampler.record(encoder, generation));
    return Int32Array.from(tokens);
  }

  async getWeights(): Promise<Float32Array[]> {
    this.checkUsable();
    const all = await this.read('trainer.getWeights', () => ({
      buffer: this.weights,
      offset: 0,
      floats: this.layout.floats,
    }));
    return this.layout.tensors.map(({ offset, size }) => all.slice(offset, offset + size));
  }

  setWeights(weights: readonly Float32Array[]): void {
    this.checkIdle('setWeights');
    const { tensors } = this.layout;
    if (!Array.isArray(weights) || weights.length !== tensors.length) {
      throw new TypeError(
        `setWeights: expected ${tensors.length} Float32Arrays (${tensors.map(({ name }) => name).join(', ')}); ` +
          `got ${Array.isArray(weights) ? weights.length : describeValue(weights)}`,
      );
    }
    const all = new Float32Array(this.layout.floats);
    tensors.forEach(({ name, shape, offset, size }, i) => {
      const w = weights[i];
      if (!(w instanceof Float32Array))
        throw new TypeError(`setWeights: weights[${i}] (${name}): expected a Float32Array; got ${describeValue(w)}`);
      if (w.length !== size)
        throw new RangeError(
          `setWeights: weights[${i}] (${name}): expected ${size} values, shape [${shape.join(', ')}]; got ${w.length}`,
        );
      all.set(w, offset);
    });
    this.device.queue.writeBuffer(this.weights, 0, all);
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    this.buffers.clear();
    this.step?.destroy();
    this.step = null;
    this.sampler?.destroy();
    this.sampler = null;
    this.data = null;
    this.order = null;
    this.destroyed = true;
  }
}

function lostError(info: GPUDeviceLostInfo): Error {
  return new Error(
    `trainer: the GPUDevice was lost (${info.reason}${info.message ? `: ${info.message}` : ''}); ` +
      `create a new device and a new trainer`,
  );
}
