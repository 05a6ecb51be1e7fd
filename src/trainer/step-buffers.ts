/**
 * The GPU side of one batch size: the scratch buffers of a training step and the core's kernels of
 * model-kernels.ts bound to them and to the trainer's weights and gradients, ready to issue into a
 * compute pass. Built once per batch size and reused by every fit and prediction with it.
 */
import { storageUsage } from '../gpu/buffers.js';
import { bindKernel, label, type Binding, type BoundKernel } from '../gpu/encode.js';
import { bindWeightGradients, type WeightGradients } from '../kernels/layer-plan.js';
import type { ModelKernels } from './model-kernels.js';
import { bindingOf, type WeightLayout } from './weight-layout.js';

/** The trainer's own buffers every step binds. */
export interface TrainerBuffers {
  readonly weights: GPUBuffer;
  readonly gradients: GPUBuffer;
  /** The optimizer's state (Adam's m | v, RMSProp's ms | mom); null for SGD. */
  readonly moments: GPUBuffer | null;
  readonly progress: GPUBuffer;
  /** With clipping: each weight tensor's first float (u32), and its gradient scale; else null. */
  readonly tensorStarts: GPUBuffer | null;
  readonly clipScales: GPUBuffer | null;
}

export class StepBuffers {
  /** The batch's x as gathered: values [B, T, F], or token ids [B, T] with an Embedding. */
  readonly batchX: GPUBuffer;
  readonly batchY: GPUBuffer;
  readonly batch: GPUBuffer;
  /** ŷ of the batch, [batchSize, outputs], or [batchSize, timesteps, outputs] on every step. */
  readonly predictions: GPUBuffer;
  readonly dPredictions: GPUBuffer;
  /** Forward through every layer and the head's ŷ: what training and prediction share. */
  readonly forward: readonly BoundKernel[];
  /** dŷ's way back (after trainer-loss): the head's and every layer's gradients, the clip, the optimizer. */
  readonly backward: readonly BoundKernel[];
  private readonly owned: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly kernels: ModelKernels,
    layout: WeightLayout,
    own: TrainerBuffers,
  ) {
    const { cell, layers, head, embedding } = kernels;
    const rows = head.shape.batch;
    const B = layers[0]!.shape.batch;
    const T = layers[0]!.shape.timesteps;
    const F = layers[0]!.shape.features;
    const top = layers.length - 1;
    const widest = Math.max(...layers.map((layer) => layer.shape.units));
    const floats = (...dims: number[]) => dims.reduce((a, b) => a * b, 1);
    this.batchX = this.buffer('batch x', embedding ? floats(B, T) : floats(B, T, F));
    this.batchY = this.buffer('batch y', floats(rows, head.shape.units));
    this.batch = this.buffer('batch', 4);
    this.predictions = this.buffer('predictions', floats(rows, head.shape.units));
    this.dPredictions = this.buffer('predictions gradient', floats(rows, head.shape.units));
    const embedded = embedding ? this.buffer('embedded x', floats(B, T, F)) : this.batchX;
    // The head's input and its gradient: the top layer's last h, or (on every step) all of them.
    const last = kernels.stepsPerSample > 1 ? null : this.buffer('last state', floats(B, head.shape.features));
    const dLast = this.buffer('head input gradient', floats(rows, head.shape.features));
    // Under maskZero the gathered token ids are the layers' mask: id 0 (bits 0) drops a step.
    const side = embedding?.maskZero ? this.batchX : undefined;
    // What the backward recurrences carry from step to step: [2, B, U] (LSTM's second block: dc).
    const dStates = this.buffer('state gradients', floats(2, B, widest));
    const perLayer = layers.map(({ shape }, l) => ({
      gates: this.buffer(`layer ${l} gates`, floats(B, T, shape.gates * shape.units)),
      h: this.buffer(`layer ${l} h`, floats(B, T, shape.units)),
      saved: cell.saves ? this.buffer(`layer ${l} saved`, floats(B, T, shape.units)) : undefined,
      dGates: this.buffer(`layer ${l} gates gradient`, floats(B, T, shape.gradientBlocks * shape.units)),
      dh: l < top ? this.buffer(`layer ${l} h gradient`, floats(B, T, shape.units)) : dLast,
    }));
    const input = (l: number) => (l === 0 ? embedded : perLayer[l - 1]!.h);
    const headInput = last ?? perLayer[top]!.h;
    const weight = (tensor: Parameters<typeof bindingOf>[1]) => bindingOf(own.weights, tensor);
    const gradient = (tensor: Parameters<typeof bindingOf>[1]) => bindingOf(own.gradients, tensor);

    const forward: BoundKernel[] = [];
    if (embedding)
      forward.push(
        bindKernel(device, embedding.lookup, { ids: this.batchX, table: weight(layout.embedding!), x: embedded }),
      );
    layers.forEach((layer, l) => {
      const w = layout.layers[l]!;
      const s = perLayer[l]!;
      forward.push(
        bindKernel(device, layer.projection, {
          x: input(l),
          kernel: weight(w.kernel),
          bias: weight(w.bias),
          gates: s.gates,
        }),
      );
      forward.push(
        bindKernel(device, layer.forward, {
          gates: s.gates,
          recurrentKernel: weight(w.recurrentKernel),
          h: s.h,
          lastStates: l === top ? last : undefined,
          saved: s.saved,
          bias: weight(w.bias),
          side,
        }),
      );
    });
    forward.push(
      bindKernel(device, head.projection, {
        x: headInput,
        kernel: weight(layout.denseKernel),
        bias: weight(layout.denseBias),
        gates: this.predictions,
      }),
    );
    this.forward = forward;

    const backward: BoundKernel[] = [
      bindKernel(device, head.inputGradient, {
        dGates: this.dPredictions,
        kernel: weight(layout.denseKernel),
        dx: dLast,
      }),
      ...this.gradients(
        head.gradients,
        { x: headInput, dGates: this.dPredictions },
        {
          dKernel: gradient(layout.denseKernel),
          // Dense has no recurrent kernel: the GEMM's recurrent block (zeros) lands in a scratch.
          dRecurrentKernel: this.buffer('dense recurrent gradient', floats(head.shape.units, head.shape.units)),
          dBias: gradient(layout.denseBias),
        },
      ),
    ];
    let dEmbedded: GPUBuffer | undefined;
    for (let l = top; l >= 0; l--) {
      const layer = layers[l]!;
      const w = layout.layers[l]!;
      const s = perLayer[l]!;
      backward.push(
        bindKernel(device, layer.backward, {
          dh: s.dh,
          gates: s.gates,
          recurrentKernel: weight(w.recurrentKernel),
          dGates: s.dGates,
          dStates,
          h: s.h,
          saved: s.saved,
          side,
        }),
      );
      backward.push(
        ...this.gradients(
          layer.gradients,
          { x: input(l), h: s.h, dGates: s.dGates, saved: s.saved },
          {
            dKernel: gradient(w.kernel),
            dRecurrentKernel: gradient(w.recurrentKernel),
            dBias: gradient(w.bias),
          },
        ),
      );
      if (layer.inputGradient)
        backward.push(
          bindKernel(device, layer.inputGradient, {
            dGates: s.dGates,
            kernel: weight(w.kernel),
            dx: l > 0 ? perLayer[l - 1]!.dh : (dEmbedded ??= this.buffer('embedded x gradient', floats(B, T, F))),
          }),
        );
    }
    if (embedding)
      backward.push(
        bindKernel(device, embedding.gradient, {
          ids: this.batchX,
          dx: dEmbedded!,
          dTable: gradient(layout.embedding!),
        }),
      );
    if (kernels.clip)
      backward.push(
        bindKernel(device, kernels.clip, {
          tensorStarts: own.tensorStarts,
          gradients: own.gradients,
          clipScales: own.clipScales,
        }),
      );
    backward.push(
      bindKernel(device, kernels.optimizer, {
        progress: own.progress,
        gradients: own.gradients,
        weights: own.weights,
        moments: own.moments,
        tensorStarts: own.tensorStarts,
        clipScales: own.clipScales,
      }),
    );
    this.backward = backward;
  }

  private buffer(name: string, floats: number): GPUBuffer {
    const buffer = this.device.createBuffer({
      label: label('trainer', name),
      size: Math.max(floats, 4) * 4,
      usage: storageUsage(),
    });
    this.owned.push(buffer);
    return buffer;
  }

  /** The weight-gradients GEMM into `outputs`, through partials and their sum when it splits. */
  private gradients(
    gradients: WeightGradients,
    inputs: Record<string, GPUBuffer | undefined>,
    outputs: Record<'dKernel' | 'dRecurrentKernel' | 'dBias', Binding>,
  ): BoundKernel[] {
    const partials = gradients.splits ? this.buffer('weight-gradient partials', gradients.splits.size / 4) : null;
    return bindWeightGradients(this.device, gradients, inputs, outputs, partials);
  }

  destroy(): void {
    for (const buffer of this.owned) buffer.destroy();
  }
}
