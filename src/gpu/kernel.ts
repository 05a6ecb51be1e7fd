/**
 * A kernel as a pure description, kept apart from running it (see encode.ts).
 *
 * KernelSpec is static, one per WGSL entry point, and states the kernel's contract once: its uniform
 * `Params` (32-bit fields, in order) and its storage bindings (binding 0 is always `params`, the
 * buffers follow in order). The WGSL declarations are generated from it and put before the kernel's
 * modules, which hold only the math; so are accessors for the bindings that ask for them.
 * KernelRun is one use of a spec: the override constants that pick a pipeline, and the dispatches,
 * each with its workgroup counts and its params. Shapes live in params, so one pipeline serves
 * every size.
 */
export type StorageAccess = 'read' | 'read_write';
export type ParamType = 'u32' | 'f32';

export interface StorageBinding {
  readonly name: string;
  readonly access: StorageAccess;
  /** Its WGSL type; default `array<f32>`. */
  readonly type?: string;
  /** What it holds, as the generated declaration's comment: e.g. `[batch, timesteps, units]`. */
  readonly holds?: string;
  /**
   * Generate the accessors of a recurrence tile (4 batch rows × 4 units, a mat4x4f whose column i is
   * row i): `NAMETile(rows, units)`, `NAMEColumn(rows, unit)` (a unit of 4 rows), `NAMERun(offset)` (4
   * consecutive floats) and, when writable,
   * `storeNAMERow(offset, n, v)` and `storeNAMETile(rows, n, valid, v)`, which store the first n ≥ 1
   * columns (into the rows where valid).
   */
  readonly tiles?: boolean;
}

export interface KernelSpec<P extends string = string, B extends string = string> {
  readonly name: string;
  /** The whole WGSL source: the generated declarations, then the modules. */
  readonly code: string;
  /** Params fields in their struct order, with their WGSL types. */
  readonly params: Readonly<Record<P, ParamType>>;
  readonly bindings: readonly (StorageBinding & { readonly name: B })[];
}

export interface KernelDefinition<P extends string, B extends string> {
  readonly name: string;
  /** WGSL modules that build on each other, in order (WGSL has no imports). */
  readonly modules: readonly string[];
  readonly params: Readonly<Record<P, ParamType>>;
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

/** A kernel's spec: its declarations generated from the contract, then its modules. */
export function defineKernel<const P extends string, const B extends string>(
  definition: KernelDefinition<P, B>,
): KernelSpec<P, B> {
  const { name, params, bindings, modules } = definition;
  return { name, params, bindings, code: [declarations(definition), ...modules].join('\n') };
}

/** Names of the Params fields, in order. */
export const paramNames = <P extends string>(spec: KernelSpec<P>): P[] => Object.keys(spec.params) as P[];

function declarations({ name, params, bindings }: KernelDefinition<string, string>): string {
  const fields = Object.entries(params).map(([field, type]) => `  ${field}: ${type},`);
  const declared = bindings.map((binding, i) => {
    const type = binding.type ?? 'array<f32>';
    const declaration = `@group(0) @binding(${i + 1}) var<storage, ${binding.access}> ${binding.name}: ${type};`;
    return binding.holds ? `${declaration} // ${binding.holds}` : declaration;
  });
  return [
    `// ${name}: declarations generated from its KernelSpec (src/gpu/kernel.ts).`,
    'struct Params {',
    ...fields,
    '}',
    '@group(0) @binding(0) var<uniform> params: Params;',
    ...declared,
    ...bindings.filter((binding) => binding.tiles).map(tileAccessors),
    '',
  ].join('\n');
}

const CAPITAL = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const ROWS = ['x', 'y', 'z', 'w'] as const;

function tileAccessors({ name, access }: StorageBinding): string {
  const row = (r: string) => `vec4f(${ROWS.map((c) => `${name}[o.${r} + c.${c}]`).join(', ')})`;
  const load = [
    `fn ${name}Tile(o: vec4u, c: vec4u) -> mat4x4f {`,
    `  return mat4x4f(${ROWS.map(row).join(', ')});`,
    '}',
    `fn ${name}Column(o: vec4u, k: u32) -> vec4f {`,
    `  return vec4f(${ROWS.map((r) => `${name}[o.${r} + k]`).join(', ')});`,
    '}',
    `fn ${name}Run(o: u32) -> vec4f {`,
    `  return vec4f(${name}[o], ${name}[o + 1u], ${name}[o + 2u], ${name}[o + 3u]);`,
    '}',
  ];
  if (access === 'read') return load.join('\n');
  // Unrolled: indexing a vector's lanes in a loop is slow on SwiftShader.
  return [
    ...load,
    `fn store${CAPITAL(name)}Row(o: u32, n: u32, v: vec4f) {`,
    `  ${name}[o] = v.x;`,
    `  if (n > 1u) { ${name}[o + 1u] = v.y; }`,
    `  if (n > 2u) { ${name}[o + 2u] = v.z; }`,
    `  if (n > 3u) { ${name}[o + 3u] = v.w; }`,
    '}',
    `fn store${CAPITAL(name)}Tile(o: vec4u, n: u32, valid: vec4<bool>, v: mat4x4f) {`,
    ...ROWS.map((r, i) => `  if (valid.${r}) { store${CAPITAL(name)}Row(o.${r}, n, v[${i}]); }`),
    '}',
  ].join('\n');
}

/** Packs a dispatch's params as the 32-bit words of its WGSL `Params` struct (f32 fields as their bits). */
export function packParams<P extends string>(spec: KernelSpec<P>, values: Readonly<Record<P, number>>): Uint32Array {
  const names = paramNames(spec);
  const words = new Uint32Array(names.length);
  const floats = new Float32Array(words.buffer);
  names.forEach((name, i) => {
    if (spec.params[name] === 'f32') floats[i] = values[name];
    else words[i] = values[name];
  });
  return words;
}

export function countDispatches(runs: readonly KernelRun[]): number {
  return runs.reduce((n, run) => n + run.dispatches.length, 0);
}
