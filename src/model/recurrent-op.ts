/**
 * A cell's differentiable tfjs op, built from its definition (ops.simpleRNN, ops.lstm, ops.gru):
 * `op(x, kernel, recurrentKernel, bias, options)` returns every h [B, T, U] (returnSequences) or the
 * last [B, U]; with returnState, [output, last h] (and the last c for a cell with two states), as the
 * layer does. On the backends our kernels exist for (webgpu, cpu) it runs them, registering them on
 * first use, with one backward kernel run per backward pass for every input and output
 * (packed-outputs.ts); elsewhere its stock twin (stock-recurrence.ts), which tfjs differentiates.
 *
 * As stock tfjs ops do, int32 and bool tensors are cast to float32, and a batch of 0 gives empty
 * results (and zero gradients).
 *
 * tf.customGrad rather than registerGradient, as tfjs's own fused ops do: the inputs are optional
 * (bias, initial states), which inputsToSave cannot express, and one gradFunc returns every input's
 * gradient. It saves the forward's sequences, which tfjs disposes after backprop (and never keeps
 * when no tape records); tfjs's test-mode leak check (IS_TEST) counts such saved intermediates.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_RECURRENT_ACTIVATION, resolveActivation, type Activation } from '../kernels/activation.js';
import type { CellDefinition, LayerConfig } from '../kernels/cell.js';
import { hasKernels } from './fused-kernels.js';
import { gradientKernelName, kernelName, type RecurrentAttrs } from './kernel-names.js';
import { emptyResult, opArguments, toFloat32 } from './op-arguments.js';
import { pack, unpack, unpackGradient, type Packing } from './packed-outputs.js';
import { stockRecurrence } from './stock-recurrence.js';

/** Every option some cell's op takes; a cell's own option types (SimpleRNNOpOptions, ...) pick theirs. */
export interface RecurrentOpOptions {
  readonly activation?: Activation;
  readonly recurrentActivation?: Activation;
  readonly resetAfter?: boolean;
  readonly returnSequences?: boolean;
  readonly returnState?: boolean;
  readonly goBackwards?: boolean;
  readonly initialState?: tf.Tensor | null;
  readonly initialCellState?: tf.Tensor | null;
  readonly mask?: tf.Tensor | null;
  readonly dropoutMask?: tf.Tensor | null;
  readonly recurrentDropoutMask?: tf.Tensor | null;
}

export type RecurrentOp = (
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options?: RecurrentOpOptions,
) => tf.Tensor | tf.Tensor[];

/** The op's named inputs, as its kernels take them. */
type Inputs = Record<string, tf.Tensor>;

/** The options `cell`'s op takes, in the order errors list them. */
export function opOptions(cell: CellDefinition): string[] {
  return [
    'activation',
    ...cell.options.filter((option) => option !== 'useInitialCellState'),
    'returnSequences',
    'returnState',
    'goBackwards',
    'initialState',
    ...(cell.states === 2 ? ['initialCellState'] : []),
    'mask',
    'dropoutMask',
    'recurrentDropoutMask',
  ];
}

/** `cell`'s op; its errors start with `ops.ID:`. */
export function recurrentOp(cell: CellDefinition): RecurrentOp {
  const name = cell.id;
  const known = opOptions(cell);
  return (x, kernel, recurrentKernel, bias, options) => {
    const check = opArguments(name);
    check.tensor('x', x, ['batch', 'timesteps', 'features'], '[batch, timesteps, features]; batch may be 0', 0);
    const [B, T, F] = x.shape as [number, number, number];
    const given = check.options<RecurrentOpOptions>(options, known);
    const G = cell.gates;
    const U = check.gateColumns('kernel', kernel, F, G, 'features must match x');
    const units = G === 1 ? 'units' : `${G}·units`;
    check.tensor('recurrentKernel', recurrentKernel, [U, G * U], `units × ${units}`);
    const attrs: RecurrentAttrs = {
      activation: resolveActivation(given.activation, `ops.${name}: options.activation`),
      recurrentActivation: resolveActivation(
        given.recurrentActivation,
        `ops.${name}: options.recurrentActivation`,
        DEFAULT_RECURRENT_ACTIVATION,
      ),
      resetAfter: check.flag('resetAfter', given.resetAfter),
      goBackwards: check.flag('goBackwards', given.goBackwards),
      returnSequences: check.flag('returnSequences', given.returnSequences),
      returnState: check.flag('returnState', given.returnState),
      useBias: bias != null,
    };
    const states = { initialState: given.initialState ?? null, initialCellState: given.initialCellState ?? null };
    const mask = given.mask ?? null;
    if (mask != null) check.mask(mask, B, T);
    const dropoutMask = given.dropoutMask ?? null;
    if (dropoutMask != null) check.tensor('dropoutMask', dropoutMask, [B, F], 'batch × features, a dropout mask', 0);
    const recurrentDropoutMask = given.recurrentDropoutMask ?? null;
    if (recurrentDropoutMask != null)
      check.tensor('recurrentDropoutMask', recurrentDropoutMask, [B, U], 'batch × units, a dropout mask', 0);
    const config: LayerConfig = {
      batch: B,
      timesteps: T,
      features: F,
      units: U,
      ...attrs,
      useInitialState: states.initialState != null,
      masking: mask ? 'steps' : null,
      inputDropout: dropoutMask != null,
      recurrentDropout: recurrentDropoutMask != null,
      useInitialCellState: states.initialCellState != null,
    };
    if (bias != null) {
      if (cell.cell(config).biasRows === 2)
        check.tensor('bias', bias, [2, G * U], `two rows: the input row, then the recurrent row, each ${units}`);
      else check.tensor('bias', bias, [G * U], `${units}; or null for none`);
    }
    for (const [state, value] of Object.entries(states))
      if (value != null) check.tensor(state, value, [B, U], 'batch × units', 0);
    const packing: Packing = {
      batch: B,
      timesteps: T,
      units: U,
      returnSequences: attrs.returnSequences,
      returnState: attrs.returnState,
      cellState: cell.states === 2,
    };
    return tf.tidy(() => {
      const inputs: Inputs = {
        x: toFloat32(x),
        kernel: toFloat32(kernel),
        recurrentKernel: toFloat32(recurrentKernel),
      };
      if (bias) inputs.bias = toFloat32(bias);
      for (const [state, value] of Object.entries(states)) if (value) inputs[state] = toFloat32(value);
      const outputs = 1 + (attrs.returnState ? cell.states : 0);
      if (B === 0) {
        const empty = (shape: number[]) => emptyResult(Object.values(inputs), shape);
        const output = empty(attrs.returnSequences ? [0, T, U] : [0, U]);
        return outputs === 1 ? output : [output, ...Array.from({ length: outputs - 1 }, () => empty([0, U]))];
      }
      // Inputs of the kernels without a gradient: Keras's mask as it is, the dropout masks as float32.
      const constants: Inputs = {
        ...(mask ? { mask } : {}),
        ...(dropoutMask ? { dropoutMask: toFloat32(dropoutMask) } : {}),
        ...(recurrentDropoutMask ? { recurrentDropoutMask: toFloat32(recurrentDropoutMask) } : {}),
      };
      if (!hasKernels([kernelName(cell), gradientKernelName(cell)])) {
        const stock = stockRecurrence(
          cell,
          config,
          inputs.x!,
          inputs.kernel!,
          inputs.recurrentKernel!,
          inputs.bias ?? null,
          {
            ...attrs,
            initialStates: [inputs.initialState ?? null, inputs.initialCellState ?? null],
            mask,
            dropoutMask: constants.dropoutMask ?? null,
            recurrentDropoutMask: constants.recurrentDropoutMask ?? null,
          },
        );
        return attrs.returnState ? [stock.output, ...stock.states] : stock.output;
      }
      return unpack(fused(cell, config, inputs, constants, attrs, packing), packing);
    });
  };
}

/** The fused kernels under one custom gradient: the value is the packed output (packed-outputs.ts). */
function fused(
  cell: CellDefinition,
  config: LayerConfig,
  inputs: Inputs,
  constants: Inputs,
  attrs: RecurrentAttrs,
  packing: Packing,
): tf.Tensor {
  // The masks are inputs of both kernels without a gradient: outside the custom gradient's inputs, and
  // saved with the forward's tensors, as tfjs's model execution disposes masks after the forward.
  const constantNames = Object.keys(constants);
  const saves = cell.cell(config).saves;
  const sequenceNames = (['h', 'gates', 'saved'] as const).map((n) => cell.names[n] ?? n);
  const names = Object.keys(inputs);
  const named = (tensors: tf.Tensor[]): Inputs => Object.fromEntries(names.map((n, i) => [n, tensors[i]!]));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const tensors = args as tf.Tensor[];
    // h, gates, [saved], [last], [lastSaved]: kernel-names.ts.
    const outputs = tf
      .engine()
      .runKernel(kernelName(cell), { ...named(tensors), ...constants }, { ...attrs }) as tf.Tensor[];
    const sequences = outputs.splice(0, saves ? 3 : 2);
    const output = attrs.returnSequences ? sequences[0]! : outputs.shift()!;
    save([...tensors, ...sequences, ...Object.values(constants)]);
    return {
      value: pack(output, outputs[0] ?? null, packing),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const { bias: _, ...forward } = named(saved.slice(0, tensors.length));
        const outputsEnd = tensors.length + sequences.length;
        const forwardOutputs = Object.fromEntries(
          saved.slice(tensors.length, outputsEnd).map((t, i) => [sequenceNames[i]!, t]),
        );
        const { dOutput, dCellState } = unpackGradient(dy, packing);
        const gradInputs = {
          ...forward,
          ...Object.fromEntries(constantNames.map((n, i) => [n, saved[outputsEnd + i]!])),
          ...forwardOutputs,
          dy: dOutput,
          ...(dCellState ? { dcLast: dCellState } : {}),
        };
        return tf.engine().runKernel(gradientKernelName(cell), gradInputs, { ...attrs }) as tf.Tensor[];
      },
    };
  });
  return op(...Object.values(inputs));
}
