// Contract test of src/model/tfjs-webgpu-adapter.ts against the pinned tfjs-backend-webgpu (4.22.0):
// if an upgrade changes the internals it relies on, this fails first and says which.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptWebGPUBackend, storedDtype, type WebGPUBackendAdapter } from '../src/model/tfjs-webgpu-adapter.js';
import { gpuBytes, tfjsWebGPU } from './helpers/tfjs.js';
import { TEST_BACKEND } from './helpers/webgpu.js';

describe('tfjs-webgpu-adapter (tfjs-backend-webgpu 4.22 internals)', () => {
  let gpu: WebGPUBackendAdapter;
  beforeAll(async () => {
    await tfjsWebGPU();
    gpu = adaptWebGPUBackend(tf.backend());
  });

  /** Records a copy into the backend's encoder, as our kernels record their passes. */
  const copy = (from: GPUBuffer, to: GPUBuffer, bytes: number) =>
    gpu.encoder().copyBufferToBuffer(from, 0, to, 0, bytes);

  const upload = (values: number[]) => {
    const buffer = gpu.device.createBuffer({
      size: values.length * 4,
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.STORAGE,
      mappedAtCreation: true,
    });
    new Float32Array(buffer.getMappedRange()).set(values);
    buffer.unmap();
    return buffer;
  };

  it('refuses a tensor whose data the backend holds as int32, as tf.cast to float32 leaves it', () => {
    const int = tf.tensor1d([1, 2, 3], 'int32');
    const cast = tf.cast(int, 'float32');
    expect(cast.dtype).toBe('float32');
    expect(storedDtype(tf.backend(), cast)).toBe('int32');
    expect(() => gpu.buffer(cast)).toThrow(/holds int32 \(ops\.simpleRNN copies such tensors first\)/);
    const copied = tf.mul(cast, 1);
    expect(storedDtype(tf.backend(), copied)).toBe('float32');
    expect(gpu.buffer(copied).size).toBeGreaterThanOrEqual(12);
    tf.dispose([int, cast, copied]);
  });

  it(`runs on the test backend's adapter (${TEST_BACKEND})`, () => {
    // Core level on Vulkan; Dawn's OpenGL backend offers only the compatibility level.
    expect(gpu.device.features.has('core-features-and-limits')).toBe(TEST_BACKEND === 'vulkan');
  });

  it('exposes the backend device', () => {
    expect(gpu.device).toBe((tf.backend() as unknown as { device: GPUDevice }).device);
    expect(typeof gpu.device.createComputePipeline).toBe('function');
  });

  it("gives a tensor's own buffer: a pass recorded into the backend encoder writes the tensor", async () => {
    const t = tf.zeros([4]);
    const source = upload([1, 2, 3, 4]);
    copy(source, gpu.buffer(t), 16);
    expect([...(await t.data())]).toEqual([1, 2, 3, 4]);
    t.dispose();
    source.destroy();
  });

  it('uploads CPU-side data first, and orders our pass after the work tfjs has queued', async () => {
    const a = tf.tensor1d([1, 2, 3, 4]);
    const sum = tf.add(a, a); // recorded, not yet submitted
    const out = tf.zeros([4]);
    copy(gpu.buffer(sum), gpu.buffer(out), 16);
    const next = tf.mul(out, 10); // tfjs work recorded after our pass sees its result
    expect([...(await next.data())]).toEqual([20, 40, 60, 80]);
    tf.dispose([a, sum, out, next]);
  });

  it('allocates output tensors the backend owns, each with its own buffer', async () => {
    const live = tf.ones([2, 3]);
    const { info, buffer } = gpu.allocate([2, 3]);
    expect(info.shape).toEqual([2, 3]);
    expect(info.dtype).toBe('float32');
    expect(buffer).not.toBe(gpu.buffer(live));
    expect(buffer.size).toBeGreaterThanOrEqual(24);
    const source = upload([6, 5, 4, 3, 2, 1]);
    copy(source, buffer, 24);
    const t = tf.engine().makeTensorFromTensorInfo(info);
    expect([...(await t.data())]).toEqual([6, 5, 4, 3, 2, 1]);
    tf.dispose([t, live]);
    source.destroy();
  });

  it("keeps a held tensor's buffer out of the pool until the encoder is submitted", async () => {
    const bytes = 4 * 1024;
    const read = async () => {
      const doomed = tf.fill([1024], 7);
      await doomed.data(); // submitted: tfjs itself no longer tracks a pending use of it
      const out = tf.zeros([1024]);
      copy(gpu.buffer(doomed), gpu.buffer(out), bytes);
      gpu.holdUntilSubmitted([doomed, out]);
      const before = gpuBytes();
      doomed.dispose();
      expect(gpuBytes(), 'disposed but held: not back in the pool yet').toBe(before);
      const reuse = tf.fill([1024], 1); // same size: the pool would hand doomed's buffer out again
      gpu.buffer(reuse);
      const result = (await out.data())[0];
      tf.dispose([out, reuse]);
      return result;
    };
    expect(await read()).toBe(7);
  });

  it('release frees a scratch tensor once the encoder is submitted', async () => {
    // Big enough to run on the GPU (tfjs computes tiny tensors on the CPU and would not submit).
    const probe = tf.ones([4096]);
    await tf.add(probe, 1).data();
    const before = gpuBytes();
    const { info } = gpu.allocate([1000]);
    gpu.holdUntilSubmitted([info]);
    gpu.release(info);
    expect(gpuBytes() - before, 'held: the encoder may still use it').toBe(4000);
    const next = tf.add(probe, 2);
    await next.data(); // submits the encoder
    next.dispose();
    expect(gpuBytes() - before, 'released at submission').toBeLessThanOrEqual(0);
    probe.dispose();
  });

  it('names the missing internals when the backend is not the one it was written for', () => {
    expect(() => adaptWebGPUBackend({ device: gpu.device })).toThrow(
      new RegExp(
        'does not have the internals the fused kernels use \\(uploadToGPU, makeTensorInfo, ' +
          'ensureCommandEncoderReady, endComputePassEncoder, disposeData, tensorMap, commandQueueOwnedIds\\)',
      ),
    );
  });
});
