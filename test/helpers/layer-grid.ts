/**
 * The test tables every layer (SimpleRNN, LSTM, GRU) runs through: rows of shapes and options, the
 * full activation × recurrentActivation grid, NaN and ±Infinity through every activation, and the
 * strategy table's hardware half forced on this adapter.
 */
import { ACTIVATIONS, type Activation } from '../../src/kernels/activation.js';
import type { MaskForm } from '../../src/kernels/side-inputs.js';
import { chooseStrategy, deviceTraits, type Strategy } from '../../src/kernels/strategy.js';
import { KINDS, layerData, type AnyConfig, type LayerData, type LayerKind, type RunOptions } from './layer-case.js';

export const stepwise: Partial<Strategy> = { recurrence: 'stepwise', recurrenceWorkgroupSize: 16 };
export const staged: Partial<Strategy> = {
  recurrence: 'persistent',
  weightsInWorkgroup: true,
  recurrenceWorkgroupSize: 32,
};
export const chunked: Partial<Strategy> = { maxStepsPerDispatch: 4 };
/**
 * Marks a row to run with the strategy the table picks for a hardware GPU (not a fallback adapter). The
 * widest such rows have 520 units (65 stepwise groups, the operand in 3 chunks): SwiftShader runs cooperative
 * products 4-41x slower than its own, and OpenGL's table picks the hardware half for every row, 1,024 units
 * included.
 */
export const HARDWARE = 'hardware';

export type Row = [
  batch: number,
  timesteps: number,
  features: number,
  units: number,
  flags: {
    goBackwards?: boolean;
    useBias?: boolean;
    initial?: boolean;
    activation?: Activation;
    recurrentActivation?: Activation;
    resetAfter?: boolean;
    masking?: MaskForm;
    inputDropout?: boolean;
    recurrentDropout?: boolean;
  },
  strategy?: Partial<Strategy> | typeof HARDWARE,
  options?: RunOptions,
];

export interface LayerCase {
  readonly name: string;
  readonly config: AnyConfig;
  readonly options: RunOptions;
  readonly seed: number;
}

/** The hardware half of the strategy table for this shape, as if this adapter were a GPU. */
export function hardwareStrategy(device: GPUDevice, kind: LayerKind, config: AnyConfig): Strategy {
  return chooseStrategy({ ...deviceTraits(device), isFallbackAdapter: false }, { ...config, gates: KINDS[kind].gates });
}

export function rowCases(device: GPUDevice, kind: LayerKind, rows: readonly Row[], seed: number): LayerCase[] {
  return rows.map(([batch, timesteps, features, units, flags, strategy, options = {}], i) => {
    const { initial = false, ...rest } = flags;
    const base: AnyConfig = {
      batch,
      timesteps,
      features,
      units,
      ...rest,
      useInitialState: initial,
      ...(kind === 'LSTM' ? { useInitialCellState: initial } : {}),
    };
    const resolved = strategy === HARDWARE ? hardwareStrategy(device, kind, base) : strategy;
    const describe = [
      `B${batch} T${timesteps} F${features} U${units}`,
      `${flags.activation ?? 'tanh'}/${kind === 'SimpleRNN' ? '-' : (flags.recurrentActivation ?? 'hardSigmoid')}`,
      flags.resetAfter ? 'resetAfter' : '',
      flags.goBackwards ? 'backwards' : '',
      flags.useBias === false ? 'no-bias' : '',
      initial ? 'initial states' : '',
      flags.masking ? `masked (${flags.masking})` : '',
      flags.inputDropout ? 'dropout' : '',
      flags.recurrentDropout ? 'recurrent dropout' : '',
      strategy === HARDWARE
        ? `hardware (${resolved!.recurrence}, ${resolved!.recurrenceWorkgroupSize} lanes` +
          `${resolved!.weightsInWorkgroup ? ', weights in workgroup memory' : ''})`
        : strategy
          ? JSON.stringify(strategy)
          : '',
      ...Object.entries(options)
        .filter(([, on]) => on)
        .map(([option]) => option),
    ];
    return {
      name: describe.filter(Boolean).join(' '),
      config: { ...base, ...(resolved ? { strategy: resolved } : {}) },
      options,
      seed: seed + i,
    };
  });
}

/** Every activation × recurrentActivation pair on one small shape, with activations selected at run time. */
export function activationGrid(kind: LayerKind, flags: { resetAfter?: boolean } = {}): LayerCase[] {
  return ACTIVATIONS.flatMap((activation, i) =>
    ACTIVATIONS.map((recurrentActivation, j) => ({
      name: `${activation} × ${recurrentActivation}`,
      config: {
        batch: 3,
        timesteps: 3,
        features: 2,
        units: 5,
        activation,
        recurrentActivation,
        ...flags,
        goBackwards: (i + j) % 2 === 1,
        useBias: j % 3 !== 0,
        useInitialState: i % 2 === 0,
        ...(kind === 'LSTM' ? { useInitialCellState: j % 2 === 0 } : {}),
        strategy: { activations: 'runtime' },
      } satisfies AnyConfig,
      options: { lastStepOnly: (i + j) % 5 === 0 },
      seed: 100 * i + j,
    })),
  );
}

/** Data with NaN, +Infinity and -Infinity in separate batch rows of x, and NaN in one initial state. */
export function specialValues(kind: LayerKind, config: AnyConfig, seed: number): LayerData {
  const data = layerData(kind, config, seed);
  const { timesteps: T, features: F, units: U } = config;
  const x = Float32Array.from(data.x);
  x[1 * T * F + 1] = NaN;
  x[2 * T * F] = Infinity;
  x[3 * T * F + (T - 1) * F] = -Infinity;
  const initialState = Float32Array.from(data.initialState);
  initialState[4 * U] = NaN;
  const initialCellState = Float32Array.from(data.initialCellState);
  initialCellState[5 * U + 1] = Infinity;
  return { ...data, x, initialState, initialCellState };
}

/** NaN and ±Infinity through each activation in each place, with activations selected at run time. */
export function specialValueCases(kind: LayerKind, flags: { resetAfter?: boolean } = {}): LayerCase[] {
  const base = {
    // The activation grid's units, so that SwiftShader's unrolled pipelines serve both.
    batch: 6,
    timesteps: 3,
    features: 2,
    units: 5,
    ...flags,
    useInitialState: true,
    ...(kind === 'LSTM' ? { useInitialCellState: true } : {}),
    strategy: { activations: 'runtime' },
  } as const;
  const places = kind === 'SimpleRNN' ? (['activation'] as const) : (['activation', 'recurrentActivation'] as const);
  return places.flatMap((place) =>
    ACTIVATIONS.map((activation, i) => ({
      name: `${place} ${activation}`,
      config: {
        ...base,
        activation: 'tanh',
        ...(kind === 'SimpleRNN' ? {} : { recurrentActivation: 'sigmoid' }),
        [place]: activation,
        goBackwards: i % 2 === 1,
      } as AnyConfig,
      options: {},
      seed: 7000 + i,
    })),
  );
}
