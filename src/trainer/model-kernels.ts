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
import type { Cell, CellShape } from '../kernels/cell.js';
import { planLayer, type LayerPlan, type WeightGradients } from '../kernels/layer-plan.js';
import { SIMPLE_RNN_CELL } from '../kernels/simple-rnn.js';
import { chooseStrategy, type DeviceTraits } from '../kernels/strategy.js';
import { describeTrainerBatch, type BatchShape } from '../kernels/trainer-batch.js';
import { describeTrainerClip } from '../kernels/trainer-clip.js';
import { describeTrainerEmbedding } from '../kernels/trainer-embedding.js';
import { describeTrainerEmbeddingGradient } from '../kernels/trainer-embedding-gradient.js';
import { describeTrainerLoss, targetWidth } from '../kernels/trainer-loss.js';
import { describeTrainerOptimizer } from '../kernels/trainer-optimizer.js';
import type { ResolvedTrainerConfig } from './config.js';
import { layerFeatures, trainerCell, trainerLayerConfig, type WeightLayout } from './weight-layout.js';

export interface LayerKernels {
  readonly shape: CellShape;
  readonly projection: KernelRun;
  readonly forward: KernelRun;
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
  /** The gradients' clip scales before the optimizer; null when it does not clip. */
  readonly clip: KernelRun | null;
  readonly optimizer: KernelRun;
  /** Every dispatch of one training step, in order. */
  readonly dispatchesPerStep: number;
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
    const config = trainerLayerConfig(c, B, T, layerFeatures(c, l), units);
    // Persistent: a step's dispatches do not grow with timesteps (up to maxStepsPerDispatch) or units.
    const strategy = chooseStrategy(
      traits,
      { ...config, gates: cell.gates },
      { ...c.strategy, recurrence: 'persistent' },
    );
    const plan: LayerPlan = planLayer(`the trainer's layer ${l}`, cell, config, strategy, traits);
    return {
      shape: plan.shape,
      projection: plan.projection,
      forward: plan.forward({ last: l === top && S === 1, lastSaved: false }),
      backward: plan.backward({ lastStepOnly: l === top && S === 1, savedGradient: false }),
      gradients: plan.weightGradients,
      inputGradient: l === 0 && !c.embedding ? null : plan.inputGradient,
    };
  });
  // The Dense head is a one-step SimpleRNN layer's GEMMs over B·S rows; it has no recurrence, so the
  // layers' products strategy and masking mean nothing to it.
  const headConfig = { ...trainerLayerConfig(c, B * S, 1, c.units[top]!, c.outputs), masking: null };
  const headCell = SIMPLE_RNN_CELL.cell(headConfig);
  const headStrategy = chooseStrategy(traits, { ...headConfig, gates: 1 }, { ...c.strategy, products: 'loops' });
  const headPlan = planLayer("the trainer's Dense head", headCell, headConfig, headStrategy, traits);
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
  return { cell, stepsPerSample: S, embedding, layers, head, batch, clip, optimizer, dispatchesPerStep };
}
