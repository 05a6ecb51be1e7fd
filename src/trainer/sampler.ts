/**
 * A language model's generation on the GPU (Trainer.sample): the trainer's layers at batch 1 and one
 * step, their states carried from step to step on the GPU (each layer's last states copied into its
 * initial states), the token fed back through the Embedding's lookup (or as a one-hot vector) and
 * drawn by trainer-sample from the softmax head. A step is one compute pass; the whole generation one
 * submission, read back once.
 */
import { checkOptions, checkPositiveInteger, checkSeed } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { storageUsage, type Readback } from '../gpu/buffers.js';
import { bindKernel, label, type BoundKernel } from '../gpu/encode.js';
import type { LayerPlan } from '../kernels/layer-plan.js';
import type { DeviceTraits } from '../kernels/strategy.js';
import { describeTrainerEmbedding } from '../kernels/trainer-embedding.js';
import { describeTrainerSample, MAX_SAMPLE_OUTPUTS, type Generation } from '../kernels/trainer-sample.js';
import type { ResolvedTrainerConfig } from './config.js';
import { trainerHeadPlan, trainerLayerPlan } from './model-kernels.js';
import { bindingOf, layerFeatures, trainerCell, trainerLayerConfig, type WeightLayout } from './weight-layout.js';

export interface SampleOptions {
  /** Token ids fed first (at least one), each in [0, vocabulary). */
  readonly prime: readonly number[] | Int32Array;
  /** Tokens to generate. */
  readonly length: number;
  /** Divides the logits before the softmax: below 1 sharper, above 1 flatter (default 1). */
  readonly temperature?: number;
  /** Seeds the draws: the same seed, weights and prime give the same tokens (default: random). */
  readonly seed?: number;
}

const SAMPLE_OPTIONS = ['prime', 'length', 'temperature', 'seed'] as const;

/** The generation `options` ask for, checked against the model before any GPU work. */
export function checkSampleOptions(
  c: ResolvedTrainerConfig,
  options: unknown,
): Generation & { readonly prime: Float32Array } {
  if (c.outputActivation !== 'softmax')
    throw new TypeError(
      `trainer.sample: needs a softmax head (outputActivation 'softmax') to draw tokens from; ` +
        `this trainer's is '${c.outputActivation}'`,
    );
  const vocabulary = c.embedding?.inputDim ?? c.features;
  if (!c.embedding && c.features !== c.outputs)
    throw new TypeError(
      `trainer.sample: needs token input, an embedding or one-hot x with features = outputs; ` +
        `this trainer has features ${c.features} and outputs ${c.outputs}`,
    );
  if (c.outputs > vocabulary)
    throw new TypeError(
      `trainer.sample: the head draws ids up to ${c.outputs - 1}, past the embedding's inputDim ${vocabulary}`,
    );
  if (c.outputs > MAX_SAMPLE_OUTPUTS)
    throw new RangeError(
      `trainer.sample: draws from at most ${MAX_SAMPLE_OUTPUTS} outputs; this head has ${c.outputs}`,
    );
  if (typeof options !== 'object' || options === null)
    throw new TypeError(
      `sample: options: expected { prime, length, temperature?, seed? }; got ${describeValue(options)}`,
    );
  checkOptions('sample: options', options, SAMPLE_OPTIONS);
  const { prime, length, temperature = 1, seed } = options as SampleOptions;
  if (!(Array.isArray(prime) || prime instanceof Int32Array) || prime.length === 0)
    throw new TypeError(
      `sample: options.prime: expected a non-empty list (or Int32Array) of token ids; got ${describeValue(prime)}`,
    );
  prime.forEach((id: unknown, i: number) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabulary)
      throw new RangeError(
        `sample: options.prime[${i}]: expected a token id, an integer in [0, ${vocabulary}); got ${describeValue(id)}`,
      );
  });
  checkPositiveInteger('sample: options.length', length);
  if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(1 / temperature))
    throw new RangeError(`sample: options.temperature: expected a positive number; got ${describeValue(temperature)}`);
  return {
    prime: Float32Array.from(prime),
    outputs: c.outputs,
    primeLength: prime.length,
    length,
    temperature,
    seed: checkSeed('sample: options.seed', seed) ?? Math.floor(Math.random() * 2 ** 32),
  };
}

interface SamplingLayer {
  readonly plan: LayerPlan;
  readonly kernels: readonly BoundKernel[];
  readonly side: GPUBuffer;
  readonly lastStates: GPUBuffer;
}

export class Sampler {
  private readonly owned: GPUBuffer[] = [];
  private readonly layers: readonly SamplingLayer[];
  private readonly head: BoundKernel;
  private readonly x: GPUBuffer;
  private readonly logits: GPUBuffer;
  private tokens: GPUBuffer | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly config: ResolvedTrainerConfig,
    private readonly layout: WeightLayout,
    private readonly traits: DeviceTraits,
    private readonly weights: GPUBuffer,
  ) {
    const c = config;
    const cell = trainerCell(c);
    const weight = (tensor: Parameters<typeof bindingOf>[1]) => bindingOf(weights, tensor);
    this.x = this.buffer('x', c.features);
    let input = this.x;
    this.layers = c.units.map((units, l) => {
      const config = {
        ...trainerLayerConfig(c, 1, 1, layerFeatures(c, l), units),
        masking: null,
        useInitialState: true,
        useInitialCellState: cell.savedIsState,
      };
      const plan = trainerLayerPlan(`the trainer's sampling layer ${l}`, c, cell, config, traits);
      const w = layout.layers[l]!;
      const gates = this.buffer(`layer ${l} gates`, cell.gates * units);
      const h = this.buffer(`layer ${l} h`, units);
      const side = this.buffer(`layer ${l} states`, plan.side.bytes / 4);
      const lastStates = this.buffer(`layer ${l} last states`, plan.stateFloats);
      const kernels = [
        bindKernel(device, plan.projection, { x: input, kernel: weight(w.kernel), bias: weight(w.bias), gates }),
        bindKernel(device, plan.forward({ last: true, lastSaved: cell.savedIsState }), {
          gates,
          recurrentKernel: weight(w.recurrentKernel),
          h,
          lastStates,
          saved: cell.saves ? this.buffer(`layer ${l} saved`, units) : undefined,
          bias: weight(w.bias),
          side,
        }),
      ];
      input = h;
      return { plan, kernels, side, lastStates };
    });
    const headPlan = trainerHeadPlan("the trainer's sampling head", c, 1, traits);
    this.logits = this.buffer('logits', c.outputs);
    this.head = bindKernel(device, headPlan.projection, {
      x: input,
      kernel: weight(layout.denseKernel),
      bias: weight(layout.denseBias),
      gates: this.logits,
    });
  }

  private buffer(name: string, floats: number): GPUBuffer {
    const buffer = this.device.createBuffer({
      label: label('trainer', 'sample', name),
      size: Math.max(floats, 4) * 4,
      usage: storageUsage(),
    });
    this.owned.push(buffer);
    return buffer;
  }

  /** Records the whole generation into `encoder`; the readback holds the drawn tokens. */
  record(encoder: GPUCommandEncoder, generation: Generation & { readonly prime: Float32Array }): Readback {
    const { prime, primeLength, length } = generation;
    const steps = primeLength + length - 1;
    const floats = primeLength + length;
    if (!this.tokens || this.tokens.size < floats * 4) {
      this.tokens?.destroy();
      this.tokens = this.device.createBuffer({
        label: label('trainer', 'sample', 'tokens'),
        size: floats * 4,
        usage: storageUsage(),
      });
    }
    const tokens = this.tokens;
    this.device.queue.writeBuffer(tokens, 0, prime as Float32Array<ArrayBuffer>);
    const c = this.config;
    const lookup = bindKernel(
      this.device,
      describeTrainerEmbedding(
        { positions: 1, dims: c.features, oneHot: c.embedding === null },
        Array.from({ length: steps }, (_, step) => step),
        { workgroupOrder: 'natural' },
        this.traits,
      ),
      {
        ids: tokens,
        table: this.layout.embedding && bindingOf(this.weights, this.layout.embedding),
        x: this.x,
      },
    );
    const draw = bindKernel(this.device, describeTrainerSample(generation), { logits: this.logits, tokens });
    for (const layer of this.layers) encoder.clearBuffer(layer.side);
    for (let step = 0; step < steps; step++) {
      const pass = encoder.beginComputePass({ label: label('trainer', 'sample', 'step') });
      lookup.dispatch(pass, step);
      for (const layer of this.layers) for (const kernel of layer.kernels) kernel.issue(pass);
      this.head.issue(pass);
      draw.dispatch(pass, step);
      pass.end();
      for (const { plan, side, lastStates } of this.layers) {
        const stateBytes = plan.stateFloats / (plan.side.initialSaved ? 2 : 1);
        encoder.copyBufferToBuffer(lastStates, 0, side, plan.side.initialState!.at * 4, stateBytes * 4);
        if (plan.side.initialSaved)
          encoder.copyBufferToBuffer(lastStates, stateBytes * 4, side, plan.side.initialSaved.at * 4, stateBytes * 4);
      }
    }
    return { buffer: tokens, offset: primeLength * 4, floats: length };
  }

  destroy(): void {
    for (const buffer of this.owned) buffer.destroy();
    this.tokens?.destroy();
  }
}
