/**
 * How the recurrence drivers compute their reductions with the recurrent kernel R [U, G·U]
 * (strategy.products):
 *
 *   forward   slot g  =  Σ_k operand[row, k] · R[k, g·U + u]         operand: h_{s-1} (or GRU's saved)
 *   backward  slot b  =  Σ_k dGates[row, b·U + k] · R[u, g_b·U + k]   g_b: the gate block b goes through
 *
 * for the 4 rows of an invocation's row tile and every unit u.
 *
 * - 'loops': each invocation loops over k for its own tile of 4 rows × 4 units (the drivers' own
 *   code; recurrence-products-rolled.wgsl declares R as a runtime-sized array). One pipeline
 *   serves every size.
 * - 'unrolled': generated here for one layer's units. An invocation takes a row tile and all its
 *   units: once per stage it copies its rows' operand to private memory, then straight-line code
 *   computes every unit tile's products, each index into R a literal in a fixed-size array. Why: on
 *   SwiftShader (Subzero) a storage load at a computed index is gathered lane by lane, about 100
 *   x86 instructions, while a literal index loads once for all lanes. The code grows with G·U², so
 *   it is offered up to UNROLLED_MAX_WEIGHTS weights (LLVM-based compilers take minutes past that).
 *   Its measurements: docs/strategies.md.
 * - 'cooperative': the whole workgroup computes the products of a group of unit tiles, its lanes
 *   splitting the reduction over k, before the cell's math runs on them (recurrence-products-cooperative.ts):
 *   the hardware path. One pipeline serves every size.
 *
 * The module defines, for its driver: `alias RecurrentKernel` (R's binding type), `UNROLLED`,
 * `UNIT_TILES` and `OPERAND_BLOCKS` (k-blocks of 4 per operand block), `OPERAND_SLOTS` and
 * `PRODUCT_SLOTS` (array sizes), `operandRange(phase)` (the operand blocks a phase reads, a vec2u
 * [first, end)), and `unrolledProducts(phase)`, which fills `products[slot · UNIT_TILES + tile]`
 * from `operand[block · OPERAND_BLOCKS + kBlock]` (mat4x4f: column i = row i at 4 consecutive k).
 */
import loopsCode from '../wgsl/recurrence-products-loops.wgsl?raw';
import rolledCode from '../wgsl/recurrence-products-rolled.wgsl?raw';
import type { Cell } from './cell.js';
import { cooperativeModule } from './recurrence-products-cooperative.js';

export const RECURRENCE_PRODUCTS = ['loops', 'unrolled', 'cooperative'] as const;
export type RecurrenceProducts = (typeof RECURRENCE_PRODUCTS)[number];

/** The most recurrent-kernel weights (G·U²) unrolled: 64 mat4x4 products per step. */
export const UNROLLED_MAX_WEIGHTS = 1024;

export type Direction = 'forward' | 'backward';

/** One product a phase computes: slot `slot` from operand block `block` through gate `gate`. */
export interface Term {
  readonly slot: number;
  readonly block: number;
  readonly gate: number;
}

/**
 * The products each phase of a cell's driver takes, by slot. Forward: phase 0 the gates of
 * h_{s-1}'s products (GRU without resetAfter: z and r; h̃ then in phase 1 from saved). Backward:
 * every dGates block that goes through R, block b through gate min(b, G-1) (GRU resetAfter's
 * block 3 is h̃'s recurrent side); GRU without resetAfter takes h̃'s block in phase 1.
 */
export function phaseTerms(cell: Cell, direction: Direction): Term[][] {
  // Backward: block b's slot is b. Forward: the one operand block, slot g through gate g.
  const term = (block: number): Term => ({ slot: block, block, gate: Math.min(block, cell.gates - 1) });
  const gateOfState = (gate: number): Term => ({ slot: gate, block: 0, gate });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  if (cell.phases === 2) {
    // GRU without resetAfter: z, r first, then h̃ (forward: from saved, its operand block 0).
    return direction === 'forward'
      ? [[gateOfState(0), gateOfState(1)], [gateOfState(2)]]
      : [[term(0), term(1)], [term(2)]];
  }
  if (direction === 'forward') return [range(cell.gates).map(gateOfState)];
  // GRU resetAfter's block 2 (h̃'s input side) does not go through R.
  return [
    range(cell.gradientBlocks)
      .filter((b) => cell.gradientBlocks === cell.gates || b !== cell.gates - 1)
      .map(term),
  ];
}

export interface ProductsModuleOptions {
  readonly cell: Cell;
  readonly direction: Direction;
  readonly units: number;
}

/**
 * The products module for `products`: fixed for 'loops', generated for the layer's units when
 * 'unrolled', for the cell and direction when 'cooperative'.
 */
export function productsModule(products: RecurrenceProducts, options: ProductsModuleOptions): string {
  if (products === 'unrolled') return unrolledModule(options);
  return [rolledCode, products === 'loops' ? loopsCode : cooperativeModule(options.cell, options.direction)].join('\n');
}

/** Where kernels name their variant: unrolled pipelines differ per units. */
export function productsName(name: string, products: RecurrenceProducts, units: number): string {
  if (products === 'loops') return name;
  return products === 'unrolled' ? `${name}/unrolled-${units}` : `${name}/cooperative`;
}

function unrolledModule({ cell, direction, units: U }: ProductsModuleOptions): string {
  const G = cell.gates;
  const unitTiles = Math.ceil(U / 4);
  const kBlocks = Math.ceil(U / 4);
  const phases = phaseTerms(cell, direction);
  const operandBlocks = direction === 'forward' ? 1 : cell.gradientBlocks;
  const slots = Math.max(...phases.flat().map((t) => t.slot)) + 1;
  // R's index for unit u (clamped: a tile past the last unit repeats it) and reduction index k.
  const weightIndex = (k: number, u: number, gate: number) => {
    const unit = Math.min(u, U - 1);
    return direction === 'forward' ? k * G * U + gate * U + unit : unit * G * U + gate * U + k;
  };
  const column = (k: number, u0: number, gate: number) =>
    `vec4f(${[0, 1, 2, 3].map((j) => `recurrentKernel[${weightIndex(k, u0 + j, gate)}]`).join(', ')})`;
  const product = (t: Term, tile: number) => {
    const u0 = tile * 4;
    const terms: string[] = [];
    for (let kb = 0; kb < kBlocks; kb++) {
      const k = kb * 4;
      const operand = `operand[${t.block * kBlocks + kb}]`;
      if (k + 4 <= U) {
        terms.push(`mat4x4f(${[0, 1, 2, 3].map((i) => column(k + i, u0, t.gate)).join(', ')}) * ${operand}`);
      } else {
        // The last partial block, column by column: the operand's columns past U are another row's.
        for (let i = 0; k + i < U; i++) {
          const w = column(k + i, u0, t.gate);
          terms.push(`mat4x4f(${[0, 1, 2, 3].map((r) => `${w} * ${operand}[${r}][${i}]`).join(', ')})`);
        }
      }
    }
    return `  products[${t.slot * unitTiles + tile}] = ${terms.join('\n    + ')};`;
  };
  const phaseBodies = phases.map((terms) =>
    terms.flatMap((t) => Array.from({ length: unitTiles }, (_, tile) => product(t, tile))).join('\n'),
  );
  const ranges = phases.map((terms) => [
    Math.min(...terms.map((t) => t.block)),
    Math.max(...terms.map((t) => t.block)) + 1,
  ]);
  return [
    `// Generated by src/kernels/recurrence-products.ts: the ${direction} products of ${cell.name} with ` +
      `${U} units, unrolled.`,
    `alias RecurrentKernel = array<f32, ${G * U * U}>;`,
    'const UNROLLED = true;',
    'const COOPERATIVE = false;',
    `const UNIT_TILES = ${unitTiles}u;`,
    `const OPERAND_BLOCKS = ${kBlocks}u;`,
    `const OPERAND_SLOTS = ${operandBlocks * kBlocks}u;`,
    `const PRODUCT_SLOTS = ${slots * unitTiles}u;`,
    'fn operandRange(phase: u32) -> vec2u {',
    ...ranges.map(([first, end], p) => `  if (phase == ${p}u) { return vec2u(${first}u, ${end}u); }`),
    '  return vec2u(0u, 0u);',
    '}',
    ...phaseBodies.map((body, p) => `fn unrolledPhase${p}() {\n${body}\n}`),
    'fn unrolledProducts(phase: u32) {',
    ...phases.map((_, p) => `  if (phase == ${p}u) { unrolledPhase${p}(); }`),
    '}',
    'fn productAt(t: Tile, slot: u32) -> mat4x4f {',
    '  return products[slot * UNIT_TILES + t.u0 / 4u];',
    '}',
    'fn cooperativeStage(step: u32, phase: u32, initial: bool, firstRow: u32, group: u32, lid: u32) {}',
    'fn cooperativeUnitTiles() -> u32 { return 1u; }',
    '',
  ].join('\n');
}

/** `make(cell, products, units)`, made once per cell and variant; only 'unrolled' differs per units. */
export function perCellAndProducts<T>(make: (cell: Cell, products: RecurrenceProducts, units: number) => T) {
  const made = new WeakMap<Cell, Map<string, T>>();
  return (cell: Cell, products: RecurrenceProducts = 'loops', units = 0): T => {
    let variants = made.get(cell);
    if (!variants) made.set(cell, (variants = new Map()));
    const key = products === 'unrolled' ? `unrolled-${units}` : products;
    let value = variants.get(key);
    if (value === undefined) variants.set(key, (value = make(cell, products, units)));
    return value;
  };
}
