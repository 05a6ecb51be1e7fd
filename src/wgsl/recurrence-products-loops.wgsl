// The recurrences' products by loops (strategy.products 'loops', see src/kernels/recurrence-products.ts):
// each invocation loops over k for its own tile, in the driver's code, so this module only says so.
// Composed after recurrence-products-rolled.wgsl, before a driver. No bindings.

const COOPERATIVE = false;

fn productAt(t: Tile, slot: u32) -> mat4x4f {
  return mat4x4f();
}

fn cooperativeStage(step: u32, phase: u32, initial: bool, firstRow: u32, group: u32, lid: u32) {}

fn cooperativeUnitTiles() -> u32 {
  return 1u;
}
