/**
 * Long loops (training, benchmark runs) call the returned function often; it gives the browser a
 * turn (to paint and handle input) at most every `intervalMs`, so the page stays responsive without
 * paying a task switch on every short step.
 */
export function createYielder(intervalMs = 30): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
