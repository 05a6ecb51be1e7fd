/**
 * A call's small per-row inputs, laid one after the other in one `side` buffer that the recurrence
 * kernels bind once (WebGPU's default 8 storage buffers per stage leave no room for each on its own):
 * the initial state h_{-1} [B, U], the cell's initial saved state (LSTM's c_{-1}) [B, U], and the mask
 * ([B, T] steps, or [B] lengths). Each piece starts at a multiple of minStorageBufferOffsetAlignment, so a
 * kernel can also bind one piece alone (weight-gradients binds h_{-1}).
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
  /** The buffer's bytes; 0 without any piece. */
  readonly bytes: number;
}

export interface SideShape {
  readonly batch: number;
  readonly timesteps: number;
  readonly units: number;
  readonly useInitialState: boolean;
  readonly useInitialSaved: boolean;
  readonly masking: MaskForm | null;
}

export function sideLayout(shape: SideShape, alignmentBytes: number): SideLayout {
  const { batch: B, timesteps: T, units: U } = shape;
  const wanted = [
    shape.useInitialState ? B * U : 0,
    shape.useInitialSaved ? B * U : 0,
    shape.masking === 'steps' ? B * T : shape.masking === 'lengths' ? B : 0,
  ];
  const present = wanted.filter((floats) => floats > 0);
  const { ranges, size } = alignedRanges(
    present.map((floats) => floats * 4),
    alignmentBytes,
  );
  let next = 0;
  const piece = (floats: number): SidePiece | null => (floats > 0 ? { at: ranges[next++]!.offset / 4, floats } : null);
  const initialState = piece(wanted[0]!);
  const initialSaved = piece(wanted[1]!);
  const mask = piece(wanted[2]!);
  return {
    initialState,
    initialSaved,
    mask: mask && { ...mask, form: shape.masking! },
    bytes: present.length > 0 ? size : 0,
  };
}

/** The side pieces as the recurrence kernels' params. */
export function sideParams(layout: SideLayout) {
  return {
    hasInitialState: Number(layout.initialState !== null),
    initialStateAt: layout.initialState?.at ?? 0,
    hasInitialSaved: Number(layout.initialSaved !== null),
    initialSavedAt: layout.initialSaved?.at ?? 0,
    masking: layout.mask === null ? 0 : layout.mask.form === 'steps' ? 1 : 2,
    maskAt: layout.mask?.at ?? 0,
  };
}

/** The side params' WGSL types, for the kernels' Params. */
export const SIDE_PARAMS = {
  hasInitialState: 'u32',
  initialStateAt: 'u32',
  hasInitialSaved: 'u32',
  initialSavedAt: 'u32',
  masking: 'u32',
  maskAt: 'u32',
} as const;
