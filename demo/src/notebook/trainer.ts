/**
 * What the notebook page needs from a way of training the seed model: tfjs's model.fit with the
 * fused layer (fused-layer-trainer.ts) or the standalone WebGPU trainer (standalone-trainer.ts).
 * The Train step offers the choice.
 */
import type { SeedCell } from 'webgpu-rnn/tfjs';
import type { WeightSnapshot } from './model-io.js';
import type { SeedData } from './seed-data.js';

export interface EpochProgress {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** This epoch's training time, without the page's own drawing. */
  readonly ms: number;
}

export type OnEpoch = (progress: EpochProgress) => void | Promise<void>;

export interface TrainedModel {
  /** Loss after each epoch. */
  readonly loss: readonly number[];
  /** Time per epoch after the warm-up (see steadyMsPerEpoch). */
  readonly msPerEpoch: number;
  /** All the training time, warm-up included. */
  readonly trainingMs: number;
  /**
   * The weights before the first epoch in tf.layers order (recurrent kernel, recurrent kernel, bias; Dense kernel,
   * bias), for the CPU check.
   */
  readonly initialWeights: readonly WeightSnapshot[];
  predict(input: readonly number[]): Promise<number[]>;
  /**
   * model.fit's trainers only: time per epoch, warm, of `epochs` more epochs of this model with no drawing
   * between them (the first left out); its weights are put back after.
   */
  timeEpochs?(epochs: number): Promise<number>;
  dispose(): void;
}

export interface Trainer {
  /** Short, for choices, tables and legends, e.g. "tfjs model.fit · fused layer". */
  readonly label: string;
  /** Shown in the Train step, e.g. "tfjs model.fit with the fused LSTM layer". */
  describe(cell: SeedCell): string;
  /** Null when it can train this cell; else why not, in its own words. */
  unavailable(cell: SeedCell): Promise<string | null>;
  train(data: SeedData, cell: SeedCell, epochs: number, onEpoch: OnEpoch): Promise<TrainedModel>;
}

/**
 * Time per epoch once warm: the first `warmupEpochs` (the first epoch, or the first submission of
 * epochs, which also compiles the kernels) are left out, unless they are all there is.
 */
export function steadyMsPerEpoch(trainingMs: number, epochs: number, warmupMs: number, warmupEpochs: number): number {
  return epochs > warmupEpochs ? (trainingMs - warmupMs) / (epochs - warmupEpochs) : trainingMs / epochs;
}
