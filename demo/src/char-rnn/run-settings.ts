/**
 * What one training run is: the text and how much of it, the model, the training. Two presets: the
 * classic char-rnn setting for a GPU, and a small one that trains in seconds on a software adapter.
 */
import type { TrainerCell } from 'webgpu-rnn';

export interface ModelSettings {
  readonly cell: TrainerCell;
  readonly layers: number;
  readonly units: number;
  /** The embedding's width: each character's vector. */
  readonly embedding: number;
}

export interface TrainingSettings {
  /** How many characters of the text to train on, from its start. */
  readonly characters: number;
  readonly timesteps: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** RMSProp's. */
  readonly learningRate: number;
}

export type RunSettings = ModelSettings & TrainingSettings;

export interface Preset {
  readonly name: string;
  readonly hint: string;
  readonly settings: RunSettings;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'char-rnn: 2 × 128 LSTM',
    hint: "Karpathy's char-rnn setting (2 layers of 128, 50 steps, batches of 50, RMSProp at 0.002): for a GPU",
    settings: {
      cell: 'lstm',
      layers: 2,
      units: 128,
      embedding: 64,
      characters: 200_000,
      timesteps: 50,
      batchSize: 50,
      epochs: 20,
      learningRate: 0.002,
    },
  },
  {
    name: 'Quick: 1 × 32 LSTM, 20 kB',
    hint: 'A small model on the first 20,000 characters: seconds per epoch on a software adapter',
    settings: {
      cell: 'lstm',
      layers: 1,
      units: 32,
      embedding: 16,
      characters: 20_000,
      timesteps: 25,
      batchSize: 50,
      epochs: 10,
      learningRate: 0.01,
    },
  },
];

export const DEFAULT_SETTINGS: RunSettings = PRESETS[0]!.settings;

/** Each field's bounds, as the form enforces them. */
export const LIMITS = {
  characters: { min: 1_000, max: 200_000 },
  layers: { min: 1, max: 3 },
  units: { min: 1, max: 512 },
  embedding: { min: 1, max: 256 },
  timesteps: { min: 2, max: 200 },
  batchSize: { min: 1, max: 512 },
  epochs: { min: 1, max: 500 },
  learningRate: { min: 1e-5, max: 1 },
} as const satisfies Record<Exclude<keyof RunSettings, 'cell'>, { min: number; max: number }>;
