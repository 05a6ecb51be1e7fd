/**
 * Keras's gradient clipping (clipnorm per weight tensor, global_clipnorm over all of them) for the
 * trainer's optimizer step: each tensor's gradient scale, from L2 norms summed in a fixed order (see
 * trainer-clip.wgsl), which trainer-optimizer applies as it reads the gradients.
 * Dispatch: one workgroup; one dispatch per step, only when the optimizer clips.
 * Limits: about parameters / 256 loop iterations per invocation (llvmpipe's budget, checked here).
 */
import code from '../wgsl/trainer-clip.wgsl?raw';
import { defineKernel, type KernelRun } from '../gpu/kernel.js';
import { clipMode, type OptimizerConfig } from './trainer-optimizer.js';

/** The WGSL's PARTIALS: one invocation per partial sum in the trainer. */
export const CLIP_WORKGROUP_SIZE = 256;
const PARTIALS = 256;
/** llvmpipe ends an invocation's loops after 65,535 iterations in all. */
const LOOP_BUDGET = 65_535;

export const trainerClip = defineKernel({
  name: 'trainer-clip',
  modules: [code],
  params: {
    parameters: 'u32',
    tensors: 'u32',
    clipNorm: 'f32',
    /** 0 for clipNorm (per tensor), 1 for globalClipNorm. */
    global: 'u32',
  },
  bindings: [
    { name: 'tensorStarts', access: 'read', type: 'array<u32>', holds: "each tensor's first parameter, ascending" },
    { name: 'gradients', access: 'read', holds: '[parameters]' },
    { name: 'clipScales', access: 'read_write', holds: "[tensors] each tensor's gradient scale" },
  ],
});

export type TrainerClipRun = KernelRun<keyof typeof trainerClip.params, (typeof trainerClip.bindings)[number]['name']>;

/** The most loop iterations one invocation runs (invocation 0, which also turns the sums into scales). */
export function clipLoopIterations(tensorStarts: readonly number[], parameters: number, workgroupSize: number): number {
  const tree = Math.log2(PARTIALS) * (1 + Math.ceil(PARTIALS / 2 / workgroupSize));
  const perTensor = tensorStarts.map((start, t) => {
    const end = tensorStarts[t + 1] ?? parameters;
    return Math.ceil(PARTIALS / workgroupSize) * (1 + Math.ceil((end - start) / PARTIALS)) + tree;
  });
  return perTensor.reduce((a, b) => a + b, 0) + 3 * tensorStarts.length;
}

/** The clip dispatch of `optimizer`, or null when it does not clip. */
export function describeTrainerClip(
  tensorStarts: readonly number[],
  parameters: number,
  optimizer: OptimizerConfig,
  workgroupSize = CLIP_WORKGROUP_SIZE,
): TrainerClipRun | null {
  const mode = clipMode(optimizer);
  if (mode === 0) return null;
  const field = mode === 1 ? 'clipNorm' : 'globalClipNorm';
  const iterations = clipLoopIterations(tensorStarts, parameters, workgroupSize);
  if (iterations > LOOP_BUDGET)
    throw new RangeError(
      `config.optimizer.${field}: the norms of ${parameters} weights need ${iterations} loop iterations ` +
        `in one invocation; llvmpipe runs at most ${LOOP_BUDGET}: use a smaller model or no clipping`,
    );
  return {
    spec: trainerClip,
    constants: { WORKGROUP_SIZE: workgroupSize },
    dispatches: [
      {
        workgroups: [1, 1, 1],
        params: {
          parameters,
          tensors: tensorStarts.length,
          clipNorm: mode === 1 ? optimizer.clipNorm! : optimizer.globalClipNorm!,
          global: mode - 1,
        },
      },
    ],
  };
}
