/**
 * A dropout mask [rows, columns] drawn on the GPU from a seed (see dropout-mask.wgsl): each element
 * fround(1 / fround(1 − rate)) or 0, as tf.dropout's, dropped with probability rate; the same seed gives
 * the same bits on every adapter. The layers take such masks as their dropoutMask [batch, features] and
 * recurrentDropoutMask [batch, units]. One dispatch; encodeDropoutMask records it into the caller's encoder.
 * Limits: rows·columns floats in one buffer; the workgroups fold into grid y past the per-dimension limit.
 */
import orderCode from '../wgsl/workgroup-order.wgsl?raw';
import hashCode from '../wgsl/pcg-hash.wgsl?raw';
import code from '../wgsl/dropout-mask.wgsl?raw';
import { checkPositiveInteger } from '../check-args.js';
import { describeValue } from '../describe-value.js';
import { checkStorageBuffer, storageUsage } from '../gpu/buffers.js';
import { checkDevice } from '../gpu/check-device.js';
import { checkBufferBytes } from '../gpu/device-limits.js';
import { encodeKernel, label } from '../gpu/encode.js';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { deviceTraits, workgroupOrderId, type DeviceTraits, type Strategy } from './strategy.js';
import { ELEMENTWISE_WORKGROUP_SIZE, elementwiseGrid } from './trainer-batch.js';

export const dropoutMask = defineKernel({
  name: 'dropout-mask',
  modules: [orderCode, hashCode, code],
  params: { rows: 'u32', columns: 'u32', seed: 'u32', threshold: 'u32', scale: 'f32' },
  bindings: [{ name: 'mask', access: 'read_write', holds: '[rows, columns]' }],
});

export type DropoutMaskRun = KernelRun<keyof typeof dropoutMask.params, 'mask'>;

export interface DropoutMaskOptions {
  readonly rows: number;
  readonly columns: number;
  /** The probability of dropping an element, in [0, 1). */
  readonly rate: number;
  /** Any integer (taken modulo 2³²): the mask is a function of the seed alone. */
  readonly seed: number;
}

/** u ≥ this keeps an element, u being 24 random bits: u / 2²⁴ ≥ rate. */
export const dropoutThreshold = (rate: number): number => Math.ceil(rate * 2 ** 24);

/** A kept element's value, as tf.dropout computes it in float32. */
export const dropoutScale = (rate: number): number => Math.fround(1 / Math.fround(1 - rate));

/** Throws unless `value` is a dropout rate in [0, 1), naming `argument`. */
export function checkDropoutRate(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1))
    throw new RangeError(`${argument}: expected a number in [0, 1); got ${describeValue(value)}`);
  return value;
}

function checkOptions(value: unknown): DropoutMaskOptions {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(
      `encodeDropoutMask: options: expected { rows, columns, rate, seed }; got ${describeValue(value)}`,
    );
  const options = value as Record<string, unknown>;
  checkPositiveInteger('encodeDropoutMask: options.rows', options.rows);
  checkPositiveInteger('encodeDropoutMask: options.columns', options.columns);
  checkDropoutRate('encodeDropoutMask: options.rate', options.rate);
  if (typeof options.seed !== 'number' || !Number.isInteger(options.seed))
    throw new TypeError(`encodeDropoutMask: options.seed: expected an integer; got ${describeValue(options.seed)}`);
  return options as unknown as DropoutMaskOptions;
}

export function describeDropoutMask(
  options: DropoutMaskOptions,
  strategy: Pick<Strategy, 'workgroupOrder'>,
  traits: DeviceTraits,
  workgroupSize = ELEMENTWISE_WORKGROUP_SIZE,
): DropoutMaskRun {
  const { rows, columns, rate, seed } = options;
  return {
    spec: dropoutMask,
    constants: { WORKGROUP_SIZE: workgroupSize, WORKGROUP_ORDER: workgroupOrderId(strategy) },
    dispatches: [
      {
        workgroups: elementwiseGrid(rows * columns, workgroupSize, traits),
        params: { rows, columns, seed: seed >>> 0, threshold: dropoutThreshold(rate), scale: dropoutScale(rate) },
      },
    ],
  };
}

/**
 * Records the mask of `options` into `encoder` (one compute pass), into `output` ([rows, columns]
 * float32) or a buffer it allocates (STORAGE | COPY_SRC | COPY_DST, the caller's to destroy); returns it.
 * Arguments are checked before anything is allocated or recorded.
 */
export function encodeDropoutMask(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  options: DropoutMaskOptions,
  output?: GPUBuffer,
): GPUBuffer {
  checkDevice('encodeDropoutMask: device', device);
  const { rows, columns } = checkOptions(options);
  const bytes = rows * columns * 4;
  const what = `the mask [${rows}, ${columns}] float32`;
  checkBufferBytes(`encodeDropoutMask: ${what} needs`, bytes, device.limits);
  if (output !== undefined) checkStorageBuffer('encodeDropoutMask: output', output, bytes, what);
  const run = describeDropoutMask(options, { workgroupOrder: 'natural' }, deviceTraits(device));
  const mask = output ?? device.createBuffer({ label: label('dropout mask'), size: bytes, usage: storageUsage() });
  encodeKernel(device, encoder, run, { mask: { buffer: mask, size: bytes } });
  return mask;
}
