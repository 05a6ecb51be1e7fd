/**
 * Waits out most of a submission's expected GPU time on a timer, and only then maps its results.
 *
 * Why: Dawn for Node (npm `webgpu`) settles a pending mapAsync by calling its event processing from
 * a setImmediate loop, a core kept busy for as long as the map is pending. On a software adapter that
 * core is taken from the worker threads running the shaders: on 2 cores, the standalone trainer's
 * SimpleRNN sine epoch took 1,556 ms mapped at once and 1,015 ms mapped after a wait. A browser polls
 * in its GPU process, so there the wait only moves the map later, by no more than the expectation's
 * error.
 *
 * The expectation is learnt from the last submission of the same work, in ms per unit (a training
 * step), and the wait is a fraction of it. A submission whose map settles at once after the wait ran
 * no longer than the wait, perhaps much shorter: the next expectation is a good deal below it, since
 * an idle wait costs all of its excess and polling only a share of its time. A submission still
 * running after the wait is measured at its own pace. The fraction is smaller after a submission that
 * did not wait, since the polling slowed it (on 2 cores, by half), and such a submission teaches
 * nothing when too short to measure past the overhead of submitting and mapping. Until a submission
 * that waited has been measured, the pacer is `learning`: its user keeps submissions short, so that
 * the long ones wait well.
 */

/**
 * Whether pacing helps on this device: a software adapter (SwiftShader) under Dawn for Node, whose
 * polling competes with the shaders for the CPU. In a browser, or on a hardware GPU, a wait only idles.
 */
export function pacingHelps(traits: { readonly isFallbackAdapter: boolean }): boolean {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return traits.isFallbackAdapter && node !== undefined;
}

/** How much of the expected time to wait, learnt from a submission that waited or one that did not. */
const WAIT_FRACTION = { paced: 0.9, unpaced: 0.5 } as const;
/** Shorter waits are not worth a timer (browsers clamp nested timers to 4 ms). */
const MIN_WAIT_MS = 4;
/** An unpaced submission shorter than this is mostly overhead, not a measure of its units. */
const MIN_MEASURED_MS = 50;
/** A map that settles within this of the wait's end found the work done. */
const SETTLED_AT_ONCE_MS = 3;
/** The expectation after such a submission, as a share of its time. */
const AFTER_IDLE_WAIT = 0.8;

export interface Pace {
  /** ms to wait after submitting, before mapping. */
  readonly waitMs: number;
  /** Reports how long the work took, from submission to mapped results. */
  done(ms: number): void;
}

export class SubmissionPacer {
  private learnt: { msPerUnit: number; paced: boolean } | null = null;
  // An unpaced submission ended too soon to measure: the work is fast, and waits would be short.
  private fast = false;

  /** Whether submissions should stay short until one that waited has been measured. */
  get learning(): boolean {
    return !this.learnt?.paced && !this.fast;
  }

  /** The pace of a submission of `units`. */
  pace(units: number): Pace {
    const learnt = this.learnt;
    const expected = learnt
      ? learnt.msPerUnit * units * (learnt.paced ? WAIT_FRACTION.paced : WAIT_FRACTION.unpaced)
      : 0;
    const waitMs = expected >= MIN_WAIT_MS ? expected : 0;
    return {
      waitMs,
      done: (ms) => {
        if (waitMs === 0 && ms < MIN_MEASURED_MS) {
          this.fast = true;
          return;
        }
        const idle = waitMs > 0 && ms - waitMs < SETTLED_AT_ONCE_MS;
        this.learnt = { msPerUnit: ((idle ? AFTER_IDLE_WAIT : 1) * ms) / units, paced: waitMs > 0 };
      },
    };
  }
}

/** Resolves after `ms` (at once for 0). */
export function waitMs(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
