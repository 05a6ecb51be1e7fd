/**
 * A kernel as a pure description, kept apart from running it (see encode.ts).
 *
 * KernelSpec is static, one per WGSL entry point: its code, its storage bindings in binding order
 * (binding 0 is always the uniform `params` block) and the 32-bit fields of its `Params` struct (u32,
 * or f32 written with float32Bits); test/kernel-specs.test.ts holds the WGSL to them.
 * KernelRun is one use of it: the override constants that pick a pipeline, and the dispatches,
 * each with its workgroup counts and its params. Shapes live in params, so one pipeline serves
 * every size.
 */
export type StorageAccess = 'read' | 'read_write';

export interface StorageBinding {
  readonly name: string;
  readonly access: StorageAccess;
}

export interface KernelSpec<P extends string = string, B extends string = string> {
  readonly name: string;
  readonly code: string;
  readonly params: readonly P[];
  readonly bindings: readonly (StorageBinding & { readonly name: B })[];
}

export interface Dispatch<P extends string = string> {
  readonly workgroups: readonly [number, number, number];
  readonly params: Readonly<Record<P, number>>;
}

export interface KernelRun<P extends string = string, B extends string = string> {
  readonly spec: KernelSpec<P, B>;
  readonly constants: Readonly<Record<string, number>>;
  readonly dispatches: readonly Dispatch<P>[];
}

/** Joins WGSL modules that build on each other, in order (WGSL has no imports). */
export function composeShader(...modules: string[]): string {
  return modules.join('\n');
}

export function defineKernel<const P extends string, const B extends string>(spec: KernelSpec<P, B>): KernelSpec<P, B> {
  return spec;
}

/** Packs a dispatch's params as the u32 words of its WGSL `Params` struct. */
export function packParams<P extends string>(fields: readonly P[], values: Readonly<Record<P, number>>): Uint32Array {
  return Uint32Array.from(fields, (field) => values[field]);
}

export function countDispatches(runs: readonly KernelRun[]): number {
  return runs.reduce((n, run) => n + run.dispatches.length, 0);
}

/** The u32 word holding `value` as float32, for f32 fields of a Params struct. */
export function float32Bits(value: number): number {
  return new Uint32Array(Float32Array.of(value).buffer)[0]!;
}
