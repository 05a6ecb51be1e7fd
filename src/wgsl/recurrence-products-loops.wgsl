// The recurrences' products by loops (strategy.products 'loops', see src/kernels/recurrence-products.ts):
// each invocation loops over k for its own tile, in the driver's code, so this module only says so.
// Composed first, before a driver. No bindings.

alias RecurrentKernel = array<f32>;
const UNROLLED = false;
const COOPERATIVE = false;
const UNIT_TILES = 1u;
const OPERAND_BLOCKS = 1u;
const OPERAND_SLOTS = 1u;
const PRODUCT_SLOTS = 1u;

fn operandRange(phase: u32) -> vec2u {
  return vec2u(0u, 0u);
}

fn unrolledProducts(phase: u32) {}

fn productAt(t: Tile, slot: u32) -> mat4x4f {
  return mat4x4f();
}

fn cooperativeStage(step: u32, phase: u32, initial: bool, firstRow: u32, group: u32, lid: u32) {}

fn cooperativeUnitTiles() -> u32 {
  return 1u;
}
