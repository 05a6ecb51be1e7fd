/**
 * A call's small per-row inputs, laid one after the other in one `side` buffer that the kernels bind
 * once (WebGPU's default 8 storage buffers per stage leave no room for each on its own): the initial
 * state h_{-1} [B, U], the cell's initial saved state (LSTM's c_{-1}) [B, U], the mask ([B, T] steps, or
 * [B] lengths), and the dropout masks: the input's [B, F] and the recurrent state's [B, U]. Each piece
 * starts at a multiple of minStorageBufferOffsetAlignment, so one given alone is bound as it is.
 */
import { alignedRanges } from './shape.js';

export type MaskForm = 'steps' | 'lengths';

export interface SidePiece {
  /** In floats. */
  readonly at: number;
  readonly floats: number;
}

export interface SideLayout {
  readonly initialState: SidePiece | null;
  readonly initialSaved: SidePiece | null;
  readonly mask: (SidePiece & { readonly form: MaskForm }) | null;
  readonly inputDropout: SidePiece | null;
  readonly recurrentDropout: SidePiece | null;
  /** The buffer's bytes; 0 without any piece. */
  readonly bytes: number;
}

export interface SideShape {
  readonly batch: number;
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  readonly useInitialState: boolean;
  readonly useInitialSaved: boolean;
  readonly masking: MaskForm | null;
  readonly inputDropout: boolean;
  readonly recurrentDropout: boolean;
}

export function sideLayout(shape: SideShape, alignmentBytes: number): SideLayout {
  const { batch: B, timesteps: T, features: F, units: U } = shape;
  const wanted = [
    shape.useInitialState ? B * U : 0,
    shape.useInitialSaved ? B * U : 0,
    shape.masking === 'steps' ? B * T : shape.masking === 'lengths' ? B : 0,
    shape.inputDropout ? B * F : 0,
    shape.recurrentDropout ? B * U : 0,
  ];
  const present = wanted.filter((floats) => floats > 0);
  const { ranges, size } = alignedRanges(
    present.map((floats) => floats * 4),
    alignmentBytes,
  );
  let next = 0;
  const [initialState, initialSaved, mask, inputDropout, recurrentDropout] = wanted.map((floats): SidePiece | null =>
    floats > 0 ? { at: ranges[next++]!.offset / 4, floats } : null,
  );
  return {
    initialState: initialState ?? null,
    initialSaved: initialSaved ?? null,
    mask: mask ? { ...mask, form: shape.masking! } : null,
    inputDropout: inputDropout ?? null,
    recurrentDropout: recurrentDropout ?? null,
    bytes: present.length > 0 ? size : 0,
  };
}

/** The side pieces the recurrence kernels read, as their params. */
export function sideParams(layout: SideLayout) {
  return {
    hasInitialState: Number(layout.initialState !== null),
    initialStateAt: layout.initialState?.at ?? 0,
    hasInitialSaved: Number(layout.initialSaved !== null),
    initialSavedAt: layout.initialSaved?.at ?? 0,
    masking: layout.mask === null ? 0 : layout.mask.form === 'steps' ? 1 : 2,
    maskAt: layout.mask?.at ?? 0,
    recurrentDropoutAt: layout.recurrentDropout?.at ?? 0,
  };
}

/** The side params' WGSL types, for the recurrence kernels' Params. */
export const SIDE_PARAMS = {
  hasInitialState: 'u32',
  initialStateAt: 'u32',
  hasInitialSaved: 'u32',
  initialSavedAt: 'u32',
  masking: 'u32',
  maskAt: 'u32',
  recurrentDropoutAt: 'u32',
} as const;

/** Where the input's dropout mask is, for the GEMMs over x (input-projection, input-gradient, weight-gradients). */
export const inputDropoutAt = (layout: SideLayout | null): number => layout?.inputDropout?.at ?? 0;

/**
 * Whether a kernel reads the dropout masks, as override constants: a pipeline without dropout carries
 * none of its code (a GPU's compiler drops it, and SwiftShader, which compiles both sides of every
 * branch, compiles the rest faster), and one with it branches on nothing.
 */
export const dropoutConstants = (layout: SideLayout | null) => ({
  INPUT_DROPOUT: Number((layout?.inputDropout ?? null) !== null),
  RECURRENT_DROPOUT: Number((layout?.recurrentDropout ?? null) !== null),
});
