/**
 * The trainer's model as the core's kernels, for one batch size: the kernel runs of a training step
 * and of prediction, and the scratch each needs. Nothing here is GPU state; trainer.ts binds it.
 *
 * A recurrent layer runs the core's input-projection and recurrence-forward, then, backward,
 * recurrence-backward, weight-gradients (+ weight-gradient-splits past strategy.weightGradientRows
 * rows) and, above the bottom layer, input-gradient, which gives the layer below its dh. The Dense
 * head is the core's GEMMs on a one-step layer: ŷ = last·kernel + bias is input-projection with
 * timesteps 1, dh_last = dŷ·kernelᵀ is input-gradient, and [dKernel; dBias] = [last | 1]ᵀ·dŷ is
 * weight-gradients (whose recurrent block, with no previous state, comes out 0 into a scratch).
 * On every step (returnSequences) the head's rows are the top layer's batch · timesteps outputs. An
 * Embedding looks its batch's token ids up after the gather (trainer-embedding) and, backward, takes
 * the bottom layer's input-gradient summed per token (trainer-embedding-gradient).
 * Only the batch gather (trainer-batch), the Embedding's two, the loss (trainer-loss), the gradient
 * clipping (trainer-clip, when the optimizer clips) and the optimizer (trainer-optimizer) are the
 * trainer's own kernels.
 */
import type { KernelRun } from '../gpu/kernel.js';
import type { Cell, CellShape, LayerConfig } from '../kernels/cell.js';
import { planLayer, type LayerPlan, type WeightGradients } from '../kernels/layer-plan.js';
import { SIMPLE_RNN_CELL } from '../kernels/simple-rnn.js';
import { chooseStrategy, type DeviceTraits, type Strategy } from '../kernels/strategy.js';
import { describeTrainerBatch, type BatchShape } from '../kernels/trainer-batch.js';
import type { SideLayout } from '../kernels/side-inputs.js';
import { describeTrainerClip } from '../kernels/trainer-clip.js';
import { describeTrainerDropout } from '../kernels/trainer-dropout.js';
import { describeTrainerEmbedding } from '../kernels/trainer-embedding.js';
import { describeTrainerEmbeddingGradient } from '../kernels/trainer-embedding-gradient.js';
import { describeTrainerLoss, targetWidth } from '../kernels/trainer-loss.js';
import { describeTrainerOptimizer } from '../kernels/trainer-optimizer.js';
import type { ResolvedTrainerConfig } from './config.js';
import { layerFeatures, trainerCell, trainerLayerConfig, type WeightLayout } from './weight-layout.js';

/** A layer's dropout in training: its rates, and where its masks go in its side buffer. */
export interface LayerDropoutPlan {
  readonly rate: number;
  readonly recurrentRate: number;
  readonly side: SideLayout;
}

export interface LayerKernels {
  readonly shape: CellShape;
  readonly projection: KernelRun;
  readonly forward: KernelRun;
  /** The forward without dropout (prediction); the training runs above when the layer has none. */
  readonly inference: { readonly projection: KernelRun; readonly forward: KernelRun };
  /** Null without dropout: the layer's side inputs are then at most its mask (the batch's ids). */
  readonly dropout: LayerDropoutPlan | null;
  readonly backward: KernelRun;
  readonly gradients: WeightGradients;
  /** dh of the layer below, or the Embedding's output; null for the bottom layer without an Embedding. */
  readonly inputGradient: KernelRun | null;
}

export interface HeadKernels {
  readonly shape: CellShape;
  readonly projection: KernelRun;
  readonly loss: KernelRun;
  readonly inputGradient: KernelRun;
  readonly gradients: WeightGradients;
}

export interface EmbeddingKernels {
  readonly lookup: KernelRun;
  readonly gradient: KernelRun;
  /** Token id 0 masks its steps in every recurrent layer. */
  readonly maskZero: boolean;
}

export interface ModelKernels {
  readonly cell: Cell;
  /** The head's rows per sample: the timesteps under returnSequences, else 1. */
  readonly stepsPerSample: number;
  readonly embedding: EmbeddingKernels | null;
  readonly layers: readonly LayerKernels[];
  readonly head: HeadKernels;
  readonly batch: KernelRun;
  /** The strategy of the trainer's own kernels (the workgroup order tests set). */
  readonly strategy: Strategy;
  /** The gradients' clip scales before the optimizer; null when it does not clip. */
  readonly clip: KernelRun | null;
  readonly optimizer: KernelRun;
  /** Every dispatch of one training step, in order. */
  readonly dispatchesPerStep: number;
}

/**
 * Each layer's trainer-dropout run for a fit (null for a layer without dropout): its masks drawn from
 * `seed`, the layer and the step counter.
 */
export function dropoutRuns(kernels: ModelKernels, seed: number, traits: DeviceTraits): (KernelRun | null)[] {
  return kernels.layers.map(({ shape, dropout }, l) =>
    dropout
      ? describeTrainerDropout(
          shape,
          dropout.side,
          { rate: dropout.rate, recurrentRate: dropout.recurrentRate, seeds: [seed + 2 * l, seed + 2 * l + 1] },
          kernels.strategy,
          traits,
        )
      : null,
  );
}

/** The head's rows per sample: every step's under returnSequences, else the last step's. */
export const stepsPerSample = (c: Pick<ResolvedTrainerConfig, 'returnSequences' | 'timesteps'>): number =>
  c.returnSequences ? c.timesteps : 1;

/** What the batch gather moves per sample: x's values (or token ids) and y's (or class ids), every step's. */
export function gatherShape(c: ResolvedTrainerConfig, samples: number, batchSize: number): BatchShape {
  return {
    samples,
    timesteps: c.timesteps,
    features: c.embedding ? 1 : c.features,
    outputs: stepsPerSample(c) * targetWidth(c.loss, c.outputs),
    batchSize,
  };
}

/**
 * A recurrent layer of the trainer (training, prediction, sampling), in the persistent recurrence: a
 * step's dispatches do not grow with timesteps (up to maxStepsPerDispatch) or units.
 */
export function trainerLayerPlan(
  name: string,
  c: ResolvedTrainerConfig,
  cell: Cell,
  config: LayerConfig,
  traits: DeviceTraits,
): LayerPlan {
  const strategy = chooseStrategy(
    traits,
    { ...config, gates: cell.gates },
    { ...c.strategy, recurrence: 'persistent' },
  );
  return planLayer(name, cell, config, strategy, traits);
}

/**
 * The Dense head over `rows` rows: a one-step SimpleRNN layer's GEMMs from the top layer's units to the
 * outputs. It has no recurrence, so the layers' products strategy and masking mean nothing to it.
 */
export function trainerHeadPlan(name: string, c: ResolvedTrainerConfig, rows: number, traits: DeviceTraits): LayerPlan {
  const config = { ...trainerLayerConfig(c, rows, 1, c.units[c.units.length - 1]!, c.outputs), masking: null };
  const strategy = chooseStrategy(traits, { ...config, gates: 1 }, { ...c.strategy, products: 'loops' });
  return planLayer(name, SIMPLE_RNN_CELL.cell(config), config, strategy, traits);
}

export function modelKernels(
  c: ResolvedTrainerConfig,
  layout: WeightLayout,
  data: { readonly samples: number; readonly batchSize: number },
  traits: DeviceTraits,
): ModelKernels {
  const cell = trainerCell(c);
  const B = data.batchSize;
  const T = c.timesteps;
  const S = stepsPerSample(c);
  const top = c.units.length - 1;
  const layers = c.units.map((units, l): LayerKernels => {
    const dropout = { input: c.dropout[l]! > 0, recurrent: c.recurrentDropout[l]! > 0 };
    const planned = (drops: typeof dropout): LayerPlan =>
      trainerLayerPlan(
        `the trainer's layer ${l}`,
        c,
        cell,
        trainerLayerConfig(c, B, T, layerFeatures(c, l), units, drops),
        traits,
      );
    const plan = planned(dropout);
    const dropped = dropout.input || dropout.recurrent;
    const forward = (p: LayerPlan) => p.forward({ last: l === top && S === 1, lastSaved: false });
    const inference = dropped ? planned({ input: false, recurrent: false }) : plan;
    return {
      shape: plan.shape,
      projection: plan.projection,
      forward: forward(plan),
      inference: { projection: inference.projection, forward: forward(inference) },
      dropout: dropped ? { rate: c.dropout[l]!, recurrentRate: c.recurrentDropout[l]!, side: plan.side } : null,
      backward: plan.backward({ lastStepOnly: l === top && S === 1, savedGradient: false }),
      gradients: plan.weightGradients,
      inputGradient: l === 0 && !c.embedding ? null : plan.inputGradient,
    };
  });
  const headPlan = trainerHeadPlan("the trainer's Dense head", c, B * S, traits);
  const headStrategy = headPlan.strategy;
  const head: HeadKernels = {
    shape: headPlan.shape,
    projection: headPlan.projection,
    loss: describeTrainerLoss(
      { samples: data.samples * S, outputs: c.outputs, batchSize: B * S, stepsPerSample: S },
      { loss: c.loss, accuracy: c.metrics.length > 0 },
      c.optimizer,
    ),
    inputGradient: headPlan.inputGradient,
    gradients: headPlan.weightGradients,
  };
  const batch = describeTrainerBatch(gatherShape(c, data.samples, B), 'train', headStrategy, traits);
  const embedding = c.embedding && {
    lookup: describeTrainerEmbedding(
      { positions: B * T, dims: c.embedding.outputDim, oneHot: false },
      [0],
      headStrategy,
      traits,
    ),
    gradient: describeTrainerEmbeddingGradient(
      { positions: B * T, dims: c.embedding.outputDim, vocabulary: c.embedding.inputDim },
      headStrategy,
      traits,
    ),
    maskZero: c.embedding.maskZero,
  };
  const tensorStarts = layout.tensors.map((tensor) => tensor.offset);
  const clip = describeTrainerClip(tensorStarts, layout.floats, c.optimizer);
  const optimizer = describeTrainerOptimizer(layout.floats, tensorStarts.length, c.optimizer, headStrategy, traits);
  const count = (run: KernelRun | null) => run?.dispatches.length ?? 0;
  const countGradients = (g: WeightGradients) => count(g.run) + count(g.splits?.run ?? null);
  const dispatchesPerStep =
    count(batch) +
    layers.filter((layer) => layer.dropout).length +
    count(embedding?.lookup ?? null) +
    count(embedding?.gradient ?? null) +
    layers.reduce(
      (n, layer) =>
        n +
        count(layer.projection) +
        count(layer.forward) +
        count(layer.backward) +
        countGradients(layer.gradients) +
        count(layer.inputGradient),
      0,
    ) +
    count(head.projection) +
    count(head.loss) +
    count(head.inputGradient) +
    countGradients(head.gradients) +
    count(clip) +
    count(optimizer);
  return {
    cell,
    stepsPerSample: S,
    embedding,
    layers,
    head,
    batch,
    strategy: headStrategy,
    clip,
    optimizer,
    dispatchesPerStep,
  };
}
