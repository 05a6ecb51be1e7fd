// The trainer's progress buffer, shared by trainer-step.wgsl (read) and trainer-update.wgsl
// (read-write): the step counter in two slots (a step reads slot `parity`, and trainer-update
// writes the next step's into the other), the first epoch of the submission, and per-epoch losses.
//
// No bindings: this module is prepended to both trainer kernels.

struct Slot {
  iterations: u32,
  fitStep: u32,
  accBeta1: f32,
  accBeta2: f32,
}

struct Progress {
  slots: array<Slot, 2>,
  // The first epoch of this submission: row 0 of `order`, and losses[0].
  firstEpoch: u32,
  losses: array<f32>,
}
