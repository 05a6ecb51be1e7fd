/**
 * GPU time of work encoded into a command encoder: an empty compute pass before it writes a
 * timestamp at its beginning, an empty one after it writes one at its end. Needs the device's
 * 'timestamp-query' feature. Up to `capacity` calls are timed between reads.
 */
export interface GpuStopwatch {
  readonly capacity: number;
  start(encoder: GPUCommandEncoder, slot: number): void;
  stop(encoder: GPUCommandEncoder, slot: number): void;
  /** Milliseconds between start and stop of slots 0 .. count-1, once the work has run. */
  read(count: number): Promise<number[]>;
  destroy(): void;
}

export function createGpuStopwatch(device: GPUDevice, capacity: number): GpuStopwatch {
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * capacity });
  const bytes = 16 * capacity;
  const resolved = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  return {
    capacity,
    start(encoder, slot) {
      encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * slot } }).end();
    },
    stop(encoder, slot) {
      encoder.beginComputePass({ timestampWrites: { querySet, endOfPassWriteIndex: 2 * slot + 1 } }).end();
    },
    async read(count) {
      const encoder = device.createCommandEncoder();
      encoder.resolveQuerySet(querySet, 0, 2 * count, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readback, 0, 16 * count);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ, 0, 16 * count);
      const ticks = new BigUint64Array(readback.getMappedRange(0, 16 * count).slice(0));
      readback.unmap();
      return Array.from({ length: count }, (_, i) => Number(ticks[2 * i + 1]! - ticks[2 * i]!) / 1e6);
    },
    destroy() {
      querySet.destroy();
      resolved.destroy();
      readback.destroy();
    },
  };
}
