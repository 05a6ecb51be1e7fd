/**
 * WebGPU reports most misuse (a destroyed buffer, a buffer of another device, running out of memory)
 * not by throwing but as an error on the device, later. Where this package submits work itself, it
 * records that work inside error scopes and turns what they catch into a rejected promise.
 *
 * Scopes are a stack on the device: everything between push and pop must be synchronous, or another
 * task's calls on the same device would land in ours. Hence a synchronous `record`.
 */
const FILTERS: readonly GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

export class GPUWorkError extends Error {
  override readonly name = 'GPUWorkError';
}

/**
 * Runs `record` (synchronous WebGPU calls) inside validation, out-of-memory and internal error
 * scopes. Returns what it returned, and a promise that rejects with a GPUWorkError naming `what` if
 * WebGPU reported an error for any of those calls.
 */
export function recordChecked<T>(
  device: GPUDevice,
  what: string,
  record: () => T,
): { value: T; checked: Promise<void> } {
  for (const filter of FILTERS) device.pushErrorScope(filter);
  let value: T;
  try {
    value = record();
  } catch (error) {
    // What was thrown says more than what WebGPU may add; the scopes still come off the stack.
    void popScopes(device, what).catch(() => undefined);
    throw error;
  }
  return { value, checked: popScopes(device, what) };
}

/** Pops the scopes recordChecked pushed (innermost first) and rejects on the first error found. */
async function popScopes(device: GPUDevice, what: string): Promise<void> {
  const popped = FILTERS.map(() => device.popErrorScope());
  const errors = await Promise.all(popped);
  errors.reverse(); // now in FILTERS order
  const index = errors.findIndex((error) => error !== null);
  if (index >= 0) throw new GPUWorkError(`${what}: WebGPU ${FILTERS[index]} error: ${errors[index]!.message.trim()}`);
}
