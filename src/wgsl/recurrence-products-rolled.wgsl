// What a products module that is not unrolled declares for its driver (recurrence-products-loops.wgsl,
// recurrence-products-cooperative.wgsl): the recurrent kernel as a runtime-sized array, and the
// drivers' unrolled-only arrays and calls at their smallest. Composed first. No bindings.

alias RecurrentKernel = array<f32>;
const UNROLLED = false;
const UNIT_TILES = 1u;
const OPERAND_BLOCKS = 1u;
const OPERAND_SLOTS = 1u;
const PRODUCT_SLOTS = 1u;

fn operandRange(phase: u32) -> vec2u {
  return vec2u(0u, 0u);
}

fn unrolledProducts(phase: u32) {}
