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
 * Only the batch gather (trainer-batch), the loss (trainer-loss) and the optimizer
 * (trainer-optimizer) are the trainer's own kernels.
 */
import type { KernelRun } from '../gpu/kernel.js';
import { cellShape, type Cell, type CellShape } from '../kernels/cell.js';
import { describeInputGradient } from '../kernels/input-gradient.js';
import { describeInputProjection } from '../kernels/input-projection.js';
import { describeRecurrenceBackward } from '../kernels/recurrence-backward.js';
import { describeRecurrenceForward } from '../kernels/recurrence-forward.js';
import { planSplits, type LayerConfig } from '../kernels/recurrent-layer.js';
import { SIMPLE_RNN_CELL } from '../kernels/simple-rnn.js';
import { chooseStrategy, type DeviceTraits, type Strategy } from '../kernels/strategy.js';
import { describeTrainerBatch, type BatchShape } from '../kernels/trainer-batch.js';
import { describeTrainerLoss } from '../kernels/trainer-loss.js';
import { describeTrainerOptimizer } from '../kernels/trainer-optimizer.js';
import { describeWeightGradients } from '../kernels/weight-gradients.js';
import type { ResolvedTrainerConfig } from './config.js';
import { layerFeatures, trainerCell, type WeightLayout } from './weight-layout.js';

/** A one-step layer's GEMMs: the recurrent layers' weight gradients, or the Dense head's. */
export interface Gradients {
  readonly run: KernelRun;
  /** Partials and the run that adds them up, past strategy.weightGradientRows rows. */
  readonly splits: ReturnType<typeof planSplits>;
}

export interface LayerKernels {
  readonly shape: CellShape;
  readonly projection: KernelRun;
  readonly forward: KernelRun;
  readonly backward: KernelRun;
  readonly gradients: Gradients;
  /** dh of the layer below; null for the bottom layer. */
  readonly inputGradient: KernelRun | null;
}

export interface HeadKernels {
  readonly shape: CellShape;
  readonly projection: KernelRun;
  readonly loss: KernelRun;
  readonly inputGradient: KernelRun;
  readonly gradients: Gradients;
}

export interface ModelKernels {
  readonly cell: Cell;
  readonly layers: readonly LayerKernels[];
  readonly head: HeadKernels;
  readonly batch: KernelRun;
  readonly optimizer: KernelRun;
  /** Every dispatch of one training step, in order. */
  readonly dispatchesPerStep: number;
}

const layerConfig = (
  batch: number,
  timesteps: number,
  features: number,
  units: number,
  c: ResolvedTrainerConfig,
): LayerConfig => ({
  batch,
  timesteps,
  features,
  units,
  activation: c.activation,
  recurrentActivation: c.recurrentActivation,
  goBackwards: false,
  useBias: true,
  useInitialState: false,
  useInitialCellState: false,
});

function gradients(kind: string, config: LayerConfig, cell: Cell, strategy: Strategy, traits: DeviceTraits): Gradients {
  const run = describeWeightGradients(
    cellShape(config, cell),
    { goBackwards: false, biasRows: cell.biasRows, useInitialState: false, savedOperand: cell.savedOperand },
    strategy,
  );
  return { run, splits: planSplits(kind, config, cell, cell.biasRows, strategy, traits) };
}

export function modelKernels(
  c: ResolvedTrainerConfig,
  layout: WeightLayout,
  data: BatchShape,
  traits: DeviceTraits,
): ModelKernels {
  const cell = trainerCell(c);
  const B = data.batchSize;
  const T = c.timesteps;
  const top = c.units.length - 1;
  const activations = { activation: c.activation, recurrentActivation: c.recurrentActivation };
  const layers = c.units.map((units, l): LayerKernels => {
    const config = layerConfig(B, T, layerFeatures(c, l), units, c);
    const shape = cellShape(config, cell);
    // Persistent: a step's dispatches do not grow with timesteps (up to maxStepsPerDispatch) or units.
    const strategy = chooseStrategy(traits, shape, { ...c.strategy, recurrence: 'persistent' });
    return {
      shape,
      projection: describeInputProjection(shape, config, strategy, traits),
      forward: describeRecurrenceForward(
        cell,
        shape,
        {
          ...activations,
          useInitialState: false,
          hasCellInput: cell.biasRows === 2,
          writeLast: l === top,
          writeLastSaved: false,
        },
        strategy,
        traits,
      ),
      backward: describeRecurrenceBackward(
        cell,
        shape,
        {
          ...activations,
          lastStepOnly: l === top,
          useInitialState: false,
          hasCellInput: false,
          hasCellGradient: false,
        },
        strategy,
        traits,
      ),
      gradients: gradients(`the trainer's layer ${l}`, config, cell, strategy, traits),
      inputGradient: l === 0 ? null : describeInputGradient(shape, config, strategy, traits),
    };
  });
  const headConfig = layerConfig(B, 1, c.units[top]!, c.outputs, c);
  const headShape = cellShape(headConfig, SIMPLE_RNN_CELL);
  // The head has no recurrence: the layers' products strategy means nothing to it.
  const headStrategy = chooseStrategy(traits, headShape, { ...c.strategy, products: 'loops' });
  const head: HeadKernels = {
    shape: headShape,
    projection: describeInputProjection(headShape, headConfig, headStrategy, traits),
    loss: describeTrainerLoss(data, c.loss, c.optimizer),
    inputGradient: describeInputGradient(headShape, headConfig, headStrategy, traits),
    gradients: gradients("the trainer's Dense head", headConfig, SIMPLE_RNN_CELL, headStrategy, traits),
  };
  const batch = describeTrainerBatch(data, 'train', headStrategy, traits);
  const optimizer = describeTrainerOptimizer(layout.floats, c.optimizer, headStrategy, traits);
  const count = (run: KernelRun | null) => run?.dispatches.length ?? 0;
  const countGradients = (g: Gradients) => count(g.run) + count(g.splits?.run ?? null);
  const dispatchesPerStep =
    count(batch) +
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
    count(optimizer);
  return { cell, layers, head, batch, optimizer, dispatchesPerStep };
}
