/**
 * How the kernels run on a given device: the one place that picks strategies, by adapter and shape.
 * Every field can be overridden through a layer config's `strategy`, or for a whole device (pinStrategy).
 *
 * Two halves. The CPU fallback's (SwiftShader) follows what its costs are made of: a workgroup is a CPU
 * task, a dispatch costs ~10-20 µs, and a storage load at a computed index is gathered lane by lane, so
 * one persistent dispatch per chunk of steps, 4-lane workgroups, unrolled products for small layers and
 * stacked weight-gradient tiles. The hardware half keeps what an H100 measured of the modes (one
 * persistent dispatch up to 128 units, past that one dispatch per step, so that many SMs work) and
 * computes the products cooperatively, designed for a GPU: a workgroup's lanes split each reduction, and the
 * GEMMs' workgroups share their operands from workgroup memory (not yet timed on one; docs/strategies.md says
 * what was measured of each choice).
 */
import { describeValue } from '../describe-value.js';
import { RECURRENCE_PRODUCTS, UNROLLED_MAX_WEIGHTS, type RecurrenceProducts } from './recurrence-products.js';
import type { RNNShape } from './shape.js';

export type RecurrenceMode = 'persistent' | 'stepwise';

/** Which workgroup works on which tile: see src/wgsl/workgroup-order.wgsl. Results are bit-identical. */
export const WORKGROUP_ORDERS = ['natural', 'reversed', 'interleaved'] as const;
export type WorkgroupOrder = (typeof WORKGROUP_ORDERS)[number];

export interface Strategy {
  /** persistent: chunks of timesteps per dispatch; stepwise: one dispatch per timestep (and phase). */
  readonly recurrence: RecurrenceMode;
  /** Invocations per workgroup of the recurrence kernels. */
  readonly recurrenceWorkgroupSize: number;
  /** Persistent mode only: copy recurrent_kernel to workgroup memory first (not with unrolled products). */
  readonly weightsInWorkgroup: boolean;
  /** Workgroup size (x, y) of the GEMM kernels, in 4 × 4 tiles. */
  readonly gemmWorkgroup: readonly [number, number];
  /**
   * Persistent mode: the most timesteps one dispatch covers, so that no dispatch runs long enough
   * for a browser's GPU watchdog to kill it (a 10,000-step sequence is many dispatches).
   */
  readonly maxStepsPerDispatch: number;
  /**
   * Rows (batch · timesteps) one invocation of the weight-gradient GEMM sums; past that the rows are
   * split over invocations and a second dispatch adds the splits up (no invocation loops for long:
   * llvmpipe ends any invocation's loops after 65,535 iterations).
   */
  readonly weightGradientRows: number;
  /**
   * Tiles of 4 recurrent_kernel rows one weight-gradient invocation sums: 1, 2 or 4. More share each
   * load of dGates (the CPU fallback's 4); fewer spread the reduction over more invocations.
   */
  readonly weightGradientTiles: 1 | 2 | 4;
  /**
   * The GEMMs over batch·timesteps rows (input projection, weight gradients, and the input gradient where
   * inputGradientSlices is 1) stage each chunk of their operands in workgroup memory, shared by a workgroup
   * of gemmWorkgroup lanes (the hardware half's pick; weightGradientTiles then does not apply), or each
   * invocation loads its own (the CPU fallback's: its lanes gain nothing from sharing).
   */
  readonly stagedGemms: boolean;
  /**
   * Lanes that split each input-gradient tile's reduction over the gates' columns (a workgroup per tile),
   * or 1: one invocation sums a tile's every column. Results depend on it (the order of the sums), not on
   * the workgroups' order.
   */
  readonly inputGradientSlices: number;
  /** Which workgroup works on which tile; tests permute it. */
  readonly workgroupOrder: WorkgroupOrder;
  /**
   * 'compiled': the activations are override constants, one pipeline per pair (fastest);
   * 'runtime': read from the kernels' params, one pipeline for every pair.
   */
  readonly activations: 'compiled' | 'runtime';
  /**
   * How the recurrences compute their products with recurrent_kernel (recurrence-products.ts):
   * 'loops' (each lane its own tile's; one pipeline for every size), 'unrolled' for the layer's units
   * (at most UNROLLED_MAX_WEIGHTS gates·units² weights; the CPU fallback's pick where it applies) or
   * 'cooperative' (a workgroup's lanes split each reduction; the hardware half's pick).
   */
  readonly products: RecurrenceProducts;
}

/** What the table looks at; a GPUDevice provides it (see deviceTraits). */
export interface DeviceTraits {
  readonly isFallbackAdapter: boolean;
  readonly limits: GPUSupportedLimits;
  /** Fields pinned for every layer on the device (pinStrategy). */
  readonly pinned?: Partial<Strategy>;
}

const pinnedStrategies = new WeakMap<GPUDevice, Partial<Strategy>>();

/**
 * Pins strategy fields for every layer and trainer created on `device` from now on, tfjs's fused
 * kernels included (a config's own `strategy` still wins): how a benchmark compares strategies through
 * tfjs, or a test suite shares pipelines across shapes ({ activations: 'runtime', products: 'loops' }:
 * one pipeline for every activation pair and size). `{}` unpins.
 */
export function pinStrategy(device: GPUDevice, strategy: Partial<Strategy>): void {
  pinnedStrategies.set(device, checkStrategyOverride(strategy, 'pinStrategy: strategy'));
}

/** What the table looks at of a layer: its shape and its cell's gate count (1 SimpleRNN, 3 GRU, 4 LSTM). */
export type StrategyShape = RNNShape & { readonly gates?: number };

export function deviceTraits(device: GPUDevice): DeviceTraits {
  // adapterInfo on GPUDevice is recent (Chrome 126+, Dawn); without it, assume hardware.
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return {
    isFallbackAdapter: info?.isFallbackAdapter ?? false,
    limits: device.limits,
    pinned: pinnedStrategies.get(device) ?? {},
  };
}

const HARDWARE_PERSISTENT_MAX_UNITS = 128;
/** Lanes of a cooperative workgroup: 8 KiB of partial sums, and 4 warps to hide each other's loads. */
const HARDWARE_COOPERATIVE_LANES = 128;
/**
 * Multiply-adds one workgroup may do in one persistent dispatch: about 0.1 s on the CPU fallback
 * (SwiftShader runs a workgroup on one core at ~1 GFLOP/s), a few ms on a hardware GPU; and at most
 * this many steps, whose barriers cost too.
 */
const MAX_MULTIPLY_ADDS_PER_DISPATCH = 2 ** 26;
const MAX_STEPS_PER_DISPATCH = 1024;
/** Rows per weight-gradient split: 8,192 loop iterations of 4 rows, well inside llvmpipe's budget. */
const WEIGHT_GRADIENT_ROWS = 32_768;
/**
 * Invocations the hardware half's GEMMs aim for, splitting long reductions to get them: a large GPU
 * holds ~2^18 resident lanes (an H100: 132 SMs × 2,048), and one invocation a lane leaves none to hide
 * another's loads.
 */
const HARDWARE_GEMM_INVOCATIONS = 2 ** 17;
/** The most lanes splitting an input-gradient tile, each summing at least 4 runs of 4 columns. */
const HARDWARE_INPUT_GRADIENT_SLICES = 64;
const SLICE_MIN_COLUMNS = 16;
/** The fewest rows a hardware split sums: one of weight-gradients.wgsl's blocks of partial sums. */
const HARDWARE_SPLIT_ROWS = 256;

/** Timesteps per persistent dispatch: a row tile's multiply-adds per step, 4·gates·units², within budget. */
export function stepsPerDispatch(shape: StrategyShape): number {
  const perStep = 4 * (shape.gates ?? 1) * shape.units * shape.units;
  return Math.max(1, Math.min(MAX_STEPS_PER_DISPATCH, Math.floor(MAX_MULTIPLY_ADDS_PER_DISPATCH / perStep)));
}

export function chooseStrategy(traits: DeviceTraits, shape: StrategyShape, override: Partial<Strategy> = {}): Strategy {
  const checked = checkStrategyOverride(override);
  const weights = (shape.gates ?? 1) * shape.units * shape.units;
  const common = {
    maxStepsPerDispatch: stepsPerDispatch(shape),
    weightGradientRows: WEIGHT_GRADIENT_ROWS,
    inputGradientSlices: 1,
    workgroupOrder: 'natural',
    activations: 'compiled',
  } as const;
  // Unrolled products: measured on SwiftShader only, where a load at a computed index costs ~100
  // instructions and one at a literal index a few.
  const base: Strategy = traits.isFallbackAdapter
    ? {
        ...common,
        recurrence: 'persistent',
        recurrenceWorkgroupSize: 4,
        weightsInWorkgroup: false,
        gemmWorkgroup: [4, 1],
        weightGradientTiles: 4,
        stagedGemms: false,
        products: weights <= UNROLLED_MAX_WEIGHTS ? 'unrolled' : 'loops',
      }
    : {
        ...common,
        ...hardwareStrategy(traits, shape, checked.recurrence),
        weightGradientTiles: 1,
        stagedGemms: true,
        weightGradientRows: hardwareWeightGradientRows(shape),
        inputGradientSlices: hardwareInputGradientSlices(shape),
      };
  const strategy = { ...base, ...traits.pinned, ...checked };
  if (strategy.products === 'unrolled' && weights > UNROLLED_MAX_WEIGHTS) {
    throw new RangeError(
      `strategy.products: 'unrolled' takes at most ${UNROLLED_MAX_WEIGHTS} recurrent-kernel weights ` +
        `(gates·units²); got ${weights}`,
    );
  }
  return strategy;
}

/**
 * The hardware half, in the recurrence mode asked for (the trainer's persistent one) or its own.
 * Cooperative products: the workgroup's lanes split each product's reduction, so a workgroup of
 * HARDWARE_COOPERATIVE_LANES serves every width; the recurrent kernel is staged where it fits in half of
 * workgroup memory (the products take the rest).
 */
function hardwareStrategy(traits: DeviceTraits, shape: StrategyShape, mode?: RecurrenceMode) {
  const { limits } = traits;
  const persistent =
    (mode ?? (shape.units <= HARDWARE_PERSISTENT_MAX_UNITS ? 'persistent' : 'stepwise')) === 'persistent';
  const weightBytes = (shape.gates ?? 1) * shape.units * shape.units * 4;
  const lanes = Math.min(
    HARDWARE_COOPERATIVE_LANES,
    limits.maxComputeInvocationsPerWorkgroup,
    limits.maxComputeWorkgroupSizeX,
  );
  return {
    recurrence: persistent ? 'persistent' : 'stepwise',
    recurrenceWorkgroupSize: lanes,
    weightsInWorkgroup: persistent && weightBytes <= limits.maxComputeWorkgroupStorageSize / 2,
    gemmWorkgroup: [8, 8],
    products: 'cooperative',
  } as const;
}

/**
 * The hardware half's rows per weight-gradient split: one invocation owns 4 output rows × 4 units of
 * every gate (weightGradientTiles 1), so a split has ceil(units/4) × (ceil(features/4) + ceil(units/4) + 1)
 * invocations; where those are too few, more splits fill the GPU (the second pass adds the partials in
 * split order). Whole blocks of HARDWARE_SPLIT_ROWS rows: the split depends on the shape alone.
 */
function hardwareWeightGradientRows(shape: StrategyShape): number {
  const rows = shape.batch * shape.timesteps;
  const unitTiles = Math.ceil(shape.units / 4);
  const perSplit = unitTiles * (Math.ceil(shape.features / 4) + unitTiles + 1);
  const splits = Math.min(Math.ceil(HARDWARE_GEMM_INVOCATIONS / perSplit), Math.floor(rows / HARDWARE_SPLIT_ROWS));
  if (splits <= 1) return WEIGHT_GRADIENT_ROWS;
  return Math.min(WEIGHT_GRADIENT_ROWS, Math.ceil(rows / splits / HARDWARE_SPLIT_ROWS) * HARDWARE_SPLIT_ROWS);
}

/**
 * The hardware half's input-gradient slices: a layer with few rows × features (ceil(rows/4)·ceil(F/4)
 * tiles) and many gates' columns to reduce over (LSTM 8×32×32×1024: 512 tiles of 4,096 columns) splits
 * each tile over a workgroup: toward 2^17 lanes in all, up to 64 a tile and each summing 16 columns or
 * more, rounded down to a power of two (each count is a pipeline of its own).
 */
function hardwareInputGradientSlices(shape: StrategyShape): number {
  const tiles = Math.ceil((shape.batch * shape.timesteps) / 4) * Math.ceil(shape.features / 4);
  const columns = (shape.gates ?? 1) * shape.units;
  const wanted = Math.min(
    Math.ceil(HARDWARE_GEMM_INVOCATIONS / tiles),
    HARDWARE_INPUT_GRADIENT_SLICES,
    Math.floor(columns / SLICE_MIN_COLUMNS),
  );
  return wanted < 2 ? 1 : 2 ** Math.floor(Math.log2(wanted));
}

const positiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

const STRATEGY_FIELDS: {
  readonly [K in keyof Strategy]: { readonly expected: string; readonly valid: (value: unknown) => boolean };
} = {
  recurrence: { expected: "'persistent' or 'stepwise'", valid: (v) => v === 'persistent' || v === 'stepwise' },
  recurrenceWorkgroupSize: { expected: 'a positive integer', valid: positiveInteger },
  weightsInWorkgroup: { expected: 'a boolean', valid: (v) => typeof v === 'boolean' },
  gemmWorkgroup: {
    expected: 'two positive integers [x, y]',
    valid: (v) => Array.isArray(v) && v.length === 2 && v.every(positiveInteger),
  },
  maxStepsPerDispatch: { expected: 'a positive integer', valid: positiveInteger },
  weightGradientRows: { expected: 'a positive integer', valid: positiveInteger },
  weightGradientTiles: { expected: '1, 2 or 4', valid: (v) => v === 1 || v === 2 || v === 4 },
  stagedGemms: { expected: 'a boolean', valid: (v) => typeof v === 'boolean' },
  inputGradientSlices: {
    expected: 'an integer from 1 to 256',
    valid: (v) => positiveInteger(v) && v <= 256,
  },
  workgroupOrder: {
    expected: WORKGROUP_ORDERS.map((o) => `'${o}'`).join(', '),
    valid: (v) => (WORKGROUP_ORDERS as readonly unknown[]).includes(v),
  },
  activations: { expected: "'compiled' or 'runtime'", valid: (v) => v === 'compiled' || v === 'runtime' },
  products: {
    expected: `${RECURRENCE_PRODUCTS.slice(0, -1)
      .map((p) => `'${p}'`)
      .join(', ')} or '${RECURRENCE_PRODUCTS.at(-1)}'`,
    valid: (v) => (RECURRENCE_PRODUCTS as readonly unknown[]).includes(v),
  },
};

const describeField = (value: unknown): string =>
  typeof value === 'object' && value !== null ? describeValue(value) : (JSON.stringify(value) ?? String(value));

/** Validates strategy overrides, naming the field and what it expects. */
export function checkStrategyOverride(override: unknown, argument = 'config.strategy'): Partial<Strategy> {
  if (override === undefined) return {};
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new TypeError(`${argument}: expected an object of strategy overrides; got ${describeValue(override)}`);
  }
  for (const [key, value] of Object.entries(override)) {
    const field = STRATEGY_FIELDS[key as keyof Strategy];
    if (!field && value !== undefined) {
      throw new TypeError(
        `${argument}.${key}: not a strategy field; expected one of ${Object.keys(STRATEGY_FIELDS).join(', ')}`,
      );
    }
    if (field && value !== undefined && !field.valid(value)) {
      throw new TypeError(`${argument}.${key}: expected ${field.expected}; got ${describeField(value)}`);
    }
  }
  return Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined)) as Partial<Strategy>;
}

/** The WORKGROUP_ORDER override of workgroup-order.wgsl. */
export function workgroupOrderId(strategy: Pick<Strategy, 'workgroupOrder'>): number {
  return WORKGROUP_ORDERS.indexOf(strategy.workgroupOrder);
}
