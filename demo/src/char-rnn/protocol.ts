/**
 * The messages between the page and its training worker. The page owns the text and its
 * vocabulary; the worker owns the WebGPU device and the trainer, and sees only token ids.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AdapterDescription } from '../common/adapter-description.js';
import type { ModelSettings } from './run-settings.js';

export interface SampleRequest {
  /** Token ids fed before generating. */
  readonly prime: Int32Array;
  /** New tokens to generate. */
  readonly length: number;
  readonly temperature: number;
  readonly seed: number;
}

export interface TrainerSetup {
  readonly model: ModelSettings;
  readonly vocabulary: number;
  readonly timesteps: number;
  readonly learningRate: number;
  /** Token ids [samples, timesteps] and their next-character class ids, row-major. */
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly samples: number;
}

/** The page asks; `id` pairs an answer with its request. */
export type PageMessage =
  /** A new trainer (fresh weights) on new data; answered by 'configured'. */
  | { readonly type: 'config'; readonly id: number; readonly setup: TrainerSetup }
  /** Trains epoch by epoch, sampling after each with the latest sample request; answered by 'done'. */
  | {
      readonly type: 'start';
      readonly id: number;
      readonly epochs: number;
      readonly batchSize: number;
      readonly sample: SampleRequest;
    }
  /** Ends training after the running epoch. */
  | { readonly type: 'stop' }
  /** A sample from the weights as they are (between epochs while training); it becomes the latest request. */
  | { readonly type: 'sample'; readonly id: number; readonly sample: SampleRequest }
  /** The weights as a tfjs model; `characters` go into its metadata, `probe` through trainer.predict. */
  | {
      readonly type: 'weights';
      readonly id: number;
      readonly characters: readonly string[];
      readonly probe: Int32Array;
    };

export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  readonly loss: number;
  /** The epoch's fit, wall clock. */
  readonly ms: number;
  /** The sample after it. */
  readonly sample: Int32Array;
}

export interface ExportedModel {
  /** model.save's artifacts, for tf.io.fromMemory. */
  readonly artifacts: tf.io.ModelArtifacts;
  /** trainer.predict(probe): every step's probabilities, [1, timesteps, vocabulary]. */
  readonly probabilities: Float32Array;
}

/** The worker answers or reports. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly adapter: AdapterDescription }
  | { readonly type: 'no-webgpu'; readonly why: string }
  | { readonly type: 'lost'; readonly message: string }
  | { readonly type: 'configured'; readonly id: number }
  | { readonly type: 'epoch'; readonly id: number; readonly report: EpochReport }
  | { readonly type: 'done'; readonly id: number; readonly stopped: boolean }
  | { readonly type: 'sampled'; readonly id: number; readonly tokens: Int32Array }
  | { readonly type: 'exported'; readonly id: number; readonly model: ExportedModel }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
