/**
 * Wall-clock time per call: a warm-up call (pipelines compile, caches fill), a call that sizes the
 * runs so each lasts at least MIN_RUN_MS, then the timed runs, each ending when the device is idle.
 */
const MIN_RUN_MS = 100;
const MAX_CALLS_PER_RUN = 500;
/** A warm-up slower than this means one call is a run: sizing would only cost more seconds. */
const SLOW_CALL_MS = 2000;

export interface WallClock {
  readonly medianMs: number;
  readonly runsMs: number[];
  readonly callsPerRun: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timeCalls(call: () => void, settle: () => Promise<unknown>, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) call();
  await settle();
  return performance.now() - start;
}

/** Between runs the browser gets a turn, so the page can show progress. */
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function timeWallClock(
  call: () => void,
  settle: () => Promise<unknown>,
  runs: number,
  onRun: (run: number) => void,
): Promise<WallClock> {
  const warmUp = await timeCalls(call, settle, 1);
  let callsPerRun = 1;
  if (warmUp < SLOW_CALL_MS) {
    const one = await timeCalls(call, settle, 1);
    callsPerRun = Math.min(MAX_CALLS_PER_RUN, Math.max(1, Math.ceil(MIN_RUN_MS / Math.max(one, 0.01))));
  }
  const runsMs: number[] = [];
  for (let run = 1; run <= runs; run++) {
    await breathe();
    runsMs.push((await timeCalls(call, settle, callsPerRun)) / callsPerRun);
    onRun(run);
  }
  return { medianMs: median(runsMs), runsMs, callsPerRun };
}
