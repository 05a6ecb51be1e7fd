/**
 * A standalone trainer for SimpleRNN(units, activation) → Dense(outputs) under mean squared error
 * and Adam, on a bare GPUDevice, with no tfjs: the whole training step is two dispatches
 * (trainer-step, then trainer-update), and a submission records many epochs of steps. Per-epoch
 * losses accumulate on the GPU and are read back once per submission; Adam's step count and β
 * powers live on the GPU too. Weights move in and out in Keras order and shapes.
 */
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { placeholderBuffer, storageUsage, submitAndRead, type Readback } from '../gpu/buffers.js';
import { checkDevice } from '../gpu/check-device.js';
import { encodeKernel, label, prepareKernel } from '../gpu/encode.js';
import { recordChecked } from '../gpu/error-scope.js';
import { tiles4 } from '../kernels/shape.js';
import { deviceTraits, trainerWorkgroupSize } from '../kernels/strategy.js';
import { describeTrainerPredict, describeTrainerStep, type TrainerShape } from '../kernels/trainer-step.js';
import { describeTrainerUpdate, updateTiles } from '../kernels/trainer-update.js';
import { resolveTrainerConfig, weightShapes, type ResolvedTrainerConfig, type TrainerConfig } from './config.js';
import { toFloat32, type Matrix2, type Matrix3, type ShapedData } from './data.js';
import { glorotNormal, glorotUniform, orthogonal } from './initializers.js';
import { sampleOrder, seededRandom } from './random.js';

export interface FitOptions {
  /** Default 1, as model.fit. */
  readonly epochs?: number;
  /** Default 32, as model.fit; larger than the data means one batch of all of it. */
  readonly batchSize?: number;
  /** Shuffle the samples every epoch (default true, as model.fit), seeded by `seed`. */
  readonly shuffle?: boolean;
  readonly seed?: number;
  /** Called after each epoch with its loss; losses are read back every `epochsPerSubmit` epochs. */
  readonly onEpochEnd?: (epoch: number, logs: { loss: number }) => void | Promise<void>;
  /** Epochs recorded per command buffer: all of them by default, 10 when onEpochEnd wants progress. */
  readonly epochsPerSubmit?: number;
}

const FIT_OPTIONS = ['epochs', 'batchSize', 'shuffle', 'seed', 'onEpochEnd', 'epochsPerSubmit'] as const;

export type TrainerInput = Matrix3 | ShapedData;
export type TrainerTarget = Matrix2 | ShapedData;

export interface Trainer {
  readonly device: GPUDevice;
  readonly config: ResolvedTrainerConfig;
  /** Dispatches per training step (one mini-batch). */
  readonly dispatchesPerStep: number;
  /** x [N][T][F] and y [N][outputs] (or Float32Arrays with shapes), uploaded once. */
  setData(x: TrainerInput, y: TrainerTarget): void;
  /** Trains; resolves to the loss of every epoch. */
  fit(options?: FitOptions): Promise<number[]>;
  /** ŷ [N, outputs], row-major. */
  predict(x: TrainerInput): Promise<Float32Array>;
  /** Mean squared error over x and y. */
  evaluate(x: TrainerInput, y: TrainerTarget): Promise<number>;
  /** kernel, recurrent_kernel, bias, dense kernel, dense bias: row-major, Keras shapes. */
  getWeights(): Promise<Float32Array[]>;
  setWeights(weights: readonly Float32Array[]): void;
  /** Releases every GPU buffer; the trainer cannot be used after. */
  destroy(): void;
}

// Losses the progress buffer holds, so the most epochs one submission can record.
const MAX_EPOCHS_PER_SUBMIT = 4096;
const PROGRESS_EPOCHS_PER_SUBMIT = 10;
// Bytes of sample order one submission may upload; longer fits are split into more submissions.
const MAX_ORDER_BYTES = 64 << 20;
// Progress buffer: slots [2] { iterations u32, fitStep u32, β1ᵗ f32, β2ᵗ f32 }, firstEpoch u32, losses f32[].
const SLOT_BYTES = 16;
const FIRST_EPOCH_OFFSET = 2 * SLOT_BYTES;
const LOSSES_OFFSET = FIRST_EPOCH_OFFSET + 4;

export async function createTrainer(device: GPUDevice, config: TrainerConfig): Promise<Trainer> {
  checkDevice('createTrainer: device', device);
  const c = resolveTrainerConfig(config);
  const limits = device.limits;
  const shapes = weightShapes(c);
  const parameters = shapes.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
  checkBytes('the weights', 2 * parameters * 4, limits);
  if (limits.maxStorageBuffersPerShaderStage < 8) {
    throw new RangeError(`the trainer binds 8 storage buffers; this device's maxStorageBuffersPerShaderStage is ${limits.maxStorageBuffersPerShaderStage}`);
  }
  const workgroupSize = trainerWorkgroupSize(deviceTraits(device));
  const updateWorkgroups = Math.ceil(updateTiles(c) / workgroupSize);
  if (updateWorkgroups > limits.maxComputeWorkgroupsPerDimension) {
    throw new RangeError(`${updateWorkgroups} workgroups of weight tiles exceed this device's maxComputeWorkgroupsPerDimension (${limits.maxComputeWorkgroupsPerDimension})`);
  }
  const { value: trainer, checked } = recordChecked(device, 'createTrainer', () => new GPUTrainer(device, c, parameters, workgroupSize));
  try {
    await checked;
  } catch (error) {
    trainer.destroy();
    throw error;
  }
  return trainer;
}

function checkBytes(what: string, bytes: number, limits: GPUSupportedLimits): void {
  for (const limit of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const) {
    if (bytes > limits[limit]) throw new RangeError(`${what} need a ${bytes}-byte buffer; this device's ${limit} is ${limits[limit]}`);
  }
}

class GPUTrainer implements Trainer {
  readonly dispatchesPerStep = 2;
  private readonly buffers = new Set<GPUBuffer>();
  private readonly weights: GPUBuffer;
  private readonly moments: GPUBuffer;
  private readonly progress: GPUBuffer;
  private data: { x: GPUBuffer; y: GPUBuffer; samples: number } | null = null;
  private order: GPUBuffer | null = null;
  private scratch: { batchSize: number; activations: GPUBuffer; dz: GPUBuffer; outputs: GPUBuffer } | null = null;
  // The progress slot the next step reads (see trainer-update.wgsl).
  private parity = 0;
  private lost: GPUDeviceLostInfo | null = null;
  private destroyed = false;
  // Set while fit runs: its submissions rely on the step-counter parity and on the buffers staying put.
  private fitting = false;

  constructor(
    readonly device: GPUDevice,
    readonly config: ResolvedTrainerConfig,
    private readonly parameters: number,
    private readonly workgroupSize: number,
  ) {
    device.lost.then((info) => {
      this.lost = info;
    });
    this.weights = this.buffer('weights', parameters * 4);
    this.moments = this.buffer('moments', 2 * parameters * 4);
    this.progress = this.buffer('progress', LOSSES_OFFSET + MAX_EPOCHS_PER_SUBMIT * 4);
    const slot = new ArrayBuffer(SLOT_BYTES);
    new Float32Array(slot, 8, 2).set([config.optimizer.beta1, config.optimizer.beta2]);
    device.queue.writeBuffer(this.progress, 0, slot);
    this.setWeights(this.initialWeights());
  }

  private buffer(name: string, bytes: number): GPUBuffer {
    const buffer = this.device.createBuffer({ label: label('trainer', name), size: Math.max(bytes, 16), usage: storageUsage() });
    this.buffers.add(buffer);
    return buffer;
  }

  private release(buffer: GPUBuffer | undefined | null): void {
    if (!buffer) return;
    this.buffers.delete(buffer);
    buffer.destroy();
  }

  private initialWeights(): Float32Array[] {
    const { features: F, units: U, outputs: O, seed } = this.config;
    const random = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32));
    return [glorotNormal(F, U, random), orthogonal(U, random), new Float32Array(U), glorotUniform(U, O, random), new Float32Array(O)];
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
    const { timesteps: T, features: F, outputs: O } = this.config;
    const inputs = toFloat32('x', x, [T, F]);
    const targets = toFloat32('y', y, [O], inputs.samples);
    checkBytes('x', inputs.data.byteLength, this.device.limits);
    this.release(this.data?.x);
    this.release(this.data?.y);
    this.data = { x: this.upload('x', inputs.data), y: this.upload('y', targets.data), samples: inputs.samples };
  }

  private upload(name: string, data: Float32Array): GPUBuffer {
    const buffer = this.buffer(name, data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
    return buffer;
  }

  /** Scratch for batches of up to `batchSize` rows, grown when needed. */
  private scratchFor(batchSize: number) {
    if (this.scratch && this.scratch.batchSize >= batchSize) return this.scratch;
    const { timesteps: T, units: U, outputs: O } = this.config;
    checkBytes(`batches of ${batchSize}`, 2 * batchSize * T * U * 4, this.device.limits);
    if (tiles4(batchSize) > this.device.limits.maxComputeWorkgroupsPerDimension) {
      throw new RangeError(`batchSize ${batchSize}: ${tiles4(batchSize)} row tiles exceed this device's maxComputeWorkgroupsPerDimension`);
    }
    if (this.scratch) for (const b of [this.scratch.activations, this.scratch.dz, this.scratch.outputs]) this.release(b);
    this.scratch = {
      batchSize,
      activations: this.buffer('activations', 2 * batchSize * T * U * 4),
      dz: this.buffer('dz', batchSize * T * U * 4),
      outputs: this.buffer('errors', batchSize * O * 4),
    };
    return this.scratch;
  }

  private orderFor(values: number): GPUBuffer {
    if (this.order && this.order.size >= values * 4) return this.order;
    this.release(this.order);
    this.order = this.buffer('order', values * 4);
    return this.order;
  }

  private shape(samples: number, batchSize: number): TrainerShape {
    const { timesteps, features, units, outputs } = this.config;
    return { samples, timesteps, features, units, outputs, batchSize };
  }

  async fit(options: FitOptions = {}): Promise<number[]> {
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

  private async train(data: NonNullable<GPUTrainer['data']>, options: FitOptions): Promise<number[]> {
    const epochs = checkPositiveInteger('fit: epochs', options.epochs ?? 1);
    const samples = data.samples;
    const batchSize = Math.min(checkPositiveInteger('fit: batchSize', options.batchSize ?? 32), samples);
    const stepsPerEpoch = Math.ceil(samples / batchSize);
    const wanted = options.epochsPerSubmit ?? (options.onEpochEnd ? PROGRESS_EPOCHS_PER_SUBMIT : epochs);
    const perSubmit = Math.min(checkPositiveInteger('fit: epochsPerSubmit', wanted), MAX_EPOCHS_PER_SUBMIT, Math.max(1, Math.floor(MAX_ORDER_BYTES / (samples * 4))), epochs);
    if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') throw new TypeError(`fit: shuffle: expected a boolean; got ${describeValue(options.shuffle)}`);
    if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== 'function') throw new TypeError('fit: onEpochEnd: expected a function (epoch, { loss })');
    const seed = checkSeed('fit: seed', options.seed);
    const random = options.shuffle === false ? null : seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32));

    const scratch = this.scratchFor(batchSize);
    const order = this.orderFor(perSubmit * samples);
    const shape = this.shape(samples, batchSize);
    const prepare = () => ({ step: this.prepareStep(shape, order, data, scratch), update: this.prepareUpdate(shape, order, data, scratch) });
    let kernels: ReturnType<typeof prepare> | null = null;

    const history: number[] = [];
    for (let first = 0; first < epochs; first += perSubmit) {
      const count = Math.min(perSubmit, epochs - first);
      const orders = new Uint32Array(count * samples);
      for (let e = 0; e < count; e++) orders.set(sampleOrder(samples, random), e * samples);
      const losses = await this.read('trainer.fit', (encoder) => {
        kernels ??= prepare();
        // A fit counts its steps from 0 (the slot's iterations and β powers carry on, as Adam's do).
        if (first === 0) this.device.queue.writeBuffer(this.progress, this.parity * SLOT_BYTES + 4, Uint32Array.of(0));
        this.device.queue.writeBuffer(order, 0, orders);
        this.device.queue.writeBuffer(this.progress, FIRST_EPOCH_OFFSET, Uint32Array.of(first));
        encoder.clearBuffer(this.progress, LOSSES_OFFSET, count * 4);
        const pass = encoder.beginComputePass({ label: label('trainer', 'steps') });
        for (let s = 0; s < count * stepsPerEpoch; s++) {
          kernels.step.dispatch(pass, this.parity);
          kernels.update.dispatch(pass, this.parity);
          this.parity = 1 - this.parity;
        }
        pass.end();
        return { buffer: this.progress, offset: LOSSES_OFFSET, floats: count };
      });
      for (let e = 0; e < count; e++) {
        history.push(losses[e]!);
        await options.onEpochEnd?.(first + e, { loss: losses[e]! });
      }
      this.checkUsable();
    }
    return history;
  }

  private prepareStep(shape: TrainerShape, order: GPUBuffer, data: NonNullable<GPUTrainer['data']>, scratch: NonNullable<GPUTrainer['scratch']>) {
    return prepareKernel(this.device, describeTrainerStep(shape, this.config.activation, this.workgroupSize), {
      progress: { buffer: this.progress },
      order: { buffer: order },
      x: { buffer: data.x },
      y: { buffer: data.y },
      weights: { buffer: this.weights },
      activations: { buffer: scratch.activations },
      dz: { buffer: scratch.dz },
      outputs: { buffer: scratch.outputs },
    });
  }

  private prepareUpdate(shape: TrainerShape, order: GPUBuffer, data: NonNullable<GPUTrainer['data']>, scratch: NonNullable<GPUTrainer['scratch']>) {
    return prepareKernel(this.device, describeTrainerUpdate(shape, this.config.optimizer, this.workgroupSize), {
      progress: { buffer: this.progress },
      order: { buffer: order },
      x: { buffer: data.x },
      activations: { buffer: scratch.activations },
      dz: { buffer: scratch.dz },
      errors: { buffer: scratch.outputs },
      weights: { buffer: this.weights },
      moments: { buffer: this.moments },
    });
  }

  /** submitAndRead (WebGPU errors reject), saying so when the device was lost. */
  private async read(what: string, record: (encoder: GPUCommandEncoder) => Readback): Promise<Float32Array> {
    try {
      return await submitAndRead(this.device, what, record);
    } catch (cause) {
      throw this.lost ? lostError(this.lost) : cause;
    }
  }

  async predict(x: TrainerInput): Promise<Float32Array> {
    this.checkUsable();
    const { timesteps: T, features: F, outputs: O } = this.config;
    const inputs = toFloat32('x', x, [T, F]);
    checkBytes('x', inputs.data.byteLength, this.device.limits);
    const batchSize = Math.min(this.scratch?.batchSize ?? 32, inputs.samples);
    const scratch = this.scratchFor(batchSize);
    const temporary: GPUBuffer[] = [];
    try {
      return await this.read('trainer.predict', (encoder) => {
        const xBuffer = this.upload('predict-x', inputs.data);
        const predictions = this.buffer('predictions', inputs.samples * O * 4);
        temporary.push(xBuffer, predictions);
        encodeKernel(this.device, encoder, describeTrainerPredict(this.shape(inputs.samples, batchSize), this.config.activation, this.workgroupSize), {
          progress: { buffer: this.progress },
          order: { buffer: placeholderBuffer(this.device, 'read') },
          x: { buffer: xBuffer },
          y: { buffer: placeholderBuffer(this.device, 'read') },
          weights: { buffer: this.weights },
          activations: { buffer: scratch.activations },
          dz: { buffer: scratch.dz },
          outputs: { buffer: predictions },
        });
        return { buffer: predictions, offset: 0, floats: inputs.samples * O };
      });
    } finally {
      for (const buffer of temporary) this.release(buffer);
    }
  }

  async evaluate(x: TrainerInput, y: TrainerTarget): Promise<number> {
    const samples = toFloat32('x', x, [this.config.timesteps, this.config.features]).samples;
    const targets = toFloat32('y', y, [this.config.outputs], samples).data;
    const predictions = await this.predict(x);
    return predictions.reduce((sum, p, i) => sum + (p - targets[i]!) ** 2, 0) / predictions.length;
  }

  async getWeights(): Promise<Float32Array[]> {
    this.checkUsable();
    const all = await this.read('trainer.getWeights', () => ({ buffer: this.weights, offset: 0, floats: this.parameters }));
    let offset = 0;
    return weightShapes(this.config).map(([, shape]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      offset += size;
      return all.slice(offset - size, offset);
    });
  }

  setWeights(weights: readonly Float32Array[]): void {
    this.checkIdle('setWeights');
    const shapes = weightShapes(this.config);
    if (!Array.isArray(weights) || weights.length !== shapes.length) {
      throw new TypeError(`setWeights: expected ${shapes.length} Float32Arrays (${shapes.map(([name]) => name).join(', ')}); got ${Array.isArray(weights) ? weights.length : describeValue(weights)}`);
    }
    const all = new Float32Array(this.parameters);
    let offset = 0;
    shapes.forEach(([name, shape], i) => {
      const w = weights[i];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!(w instanceof Float32Array)) throw new TypeError(`setWeights: weights[${i}] (${name}): expected a Float32Array; got ${describeValue(w)}`);
      if (w.length !== size) throw new RangeError(`setWeights: weights[${i}] (${name}): expected ${size} values, shape [${shape.join(', ')}]; got ${w.length}`);
      all.set(w, offset);
      offset += size;
    });
    this.device.queue.writeBuffer(this.weights, 0, all);
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    this.buffers.clear();
    this.data = null;
    this.order = null;
    this.scratch = null;
    this.destroyed = true;
  }
}

function lostError(info: GPUDeviceLostInfo): Error {
  return new Error(`trainer: the GPUDevice was lost (${info.reason}${info.message ? `: ${info.message}` : ''}); create a new device and a new trainer`);
}
