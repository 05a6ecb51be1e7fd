// GPU errors that stock tfjs logs and goes on from (its results are then wrong): a benchmark marks such rows.
import * as tf from '@tensorflow/tfjs';

/** GPU validation errors on tfjs's device while `body` runs (stock tfjs logs them and goes on): their first lines. */
export async function gpuErrors(body: () => Promise<unknown>): Promise<string[]> {
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const errors: string[] = [];
  const count = (event: Event) => void errors.push((event as GPUUncapturedErrorEvent).error.message.split('\n')[0]!);
  device.addEventListener('uncapturederror', count);
  try {
    await body();
    await device.queue.onSubmittedWorkDone();
  } finally {
    device.removeEventListener('uncapturederror', count);
  }
  return errors;
}
