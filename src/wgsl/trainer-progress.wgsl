// The trainer's progress buffer and the batch of the current step, shared by the trainer's kernels.
//
//   Progress: written by the host before a submission (fitStep at a fit's start, firstEpoch, losses
//   cleared) and, between steps, by trainer-loss.wgsl's one invocation that finishes a step; read
//   by trainer-batch.wgsl (which rows) and trainer-optimizer.wgsl (Adam's β powers).
//   Batch: written by trainer-batch.wgsl's first invocation, read by trainer-loss.wgsl.
//
// No bindings: this module is prepended to the kernels that use it.

struct Progress {
  // Steps of this fit so far: the next step's epoch and position in it.
  fitStep: u32,
  // The first epoch of this submission: row 0 of `order`, and losses[0].
  firstEpoch: u32,
  // β1ᵗ and β2ᵗ after t Adam steps (1 before the first), as tf.train.adam's accBeta1 and accBeta2.
  accBeta1: f32,
  accBeta2: f32,
  // Per epoch of this submission: its mean loss (trainer-loss.wgsl); with accuracy, the loss then its
  // count of correct predictions, two values an epoch.
  losses: array<f32>,
}

struct Batch {
  // Real rows of this step's batch: batchSize, or fewer in an epoch's short last batch.
  rows: u32,
  // The step's epoch, counted from progress.firstEpoch.
  epoch: u32,
}
