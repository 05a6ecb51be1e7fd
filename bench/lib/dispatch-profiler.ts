// Per-kernel GPU time of work that records its dispatches in few compute passes (the standalone
// trainer records a whole submission in one): while `body` runs, every compute pass is split so that
// each dispatch gets a pass of its own with timestamps at its start and end (the pipeline and bind
// groups set before it are set again). Separate passes keep the dispatches' order and visibility, so
// the work computes the same; it only pays a pass per dispatch. Needs 'timestamp-query'.
const QUERIES = 4096;

interface Recording {
  readonly querySet: GPUQuerySet;
  readonly names: string[];
}

/** GPU milliseconds per pipeline label (the part before '|', the kernel's name) while `body` runs. */
export async function profileDispatches(
  device: GPUDevice,
  body: () => Promise<unknown>,
): Promise<Map<string, { ms: number; dispatches: number }>> {
  if (!device.features.has('timestamp-query')) throw new Error("profileDispatches: the device lacks 'timestamp-query'");
  const encoderProto = GPUCommandEncoder.prototype;
  const { beginComputePass, finish } = encoderProto;
  const recordings = new WeakMap<GPUCommandEncoder, Recording>();
  const readbacks: { names: string[]; read: GPUBuffer; resolved: GPUBuffer; querySet: GPUQuerySet }[] = [];
  const recordingOf = (encoder: GPUCommandEncoder) => {
    let recording = recordings.get(encoder);
    if (!recording) {
      recording = { querySet: device.createQuerySet({ type: 'timestamp', count: QUERIES }), names: [] };
      recordings.set(encoder, recording);
    }
    return recording;
  };
  encoderProto.beginComputePass = function (this: GPUCommandEncoder, descriptor?: GPUComputePassDescriptor) {
    const encoder = this;
    const recording = recordingOf(encoder);
    let pass: GPUComputePassEncoder | null = null;
    let pipeline: GPUComputePipeline | null = null;
    const groups = new Map<number, [GPUBindGroup | null, Iterable<number> | undefined]>();
    const split = {
      setPipeline(p: GPUComputePipeline) {
        pipeline = p;
      },
      setBindGroup(index: number, group: GPUBindGroup | null, offsets?: Iterable<number>) {
        groups.set(index, [group, offsets ? [...offsets] : undefined]);
      },
      dispatchWorkgroups(x: number, y?: number, z?: number) {
        pass?.end();
        const q = 2 * recording.names.length;
        if (q + 2 > QUERIES)
          throw new Error(`profileDispatches: more than ${QUERIES / 2} dispatches in one command encoder`);
        pass = beginComputePass.call(encoder, {
          ...descriptor,
          timestampWrites: { querySet: recording.querySet, beginningOfPassWriteIndex: q, endOfPassWriteIndex: q + 1 },
        });
        pass.setPipeline(pipeline!);
        for (const [index, [group, offsets]] of groups) pass.setBindGroup(index, group, offsets);
        pass.dispatchWorkgroups(x, y, z);
        recording.names.push(pipeline!.label.replace(/^webgpu-rnn\//, '').split('|')[0]!);
      },
      end() {
        pass?.end();
        pass = null;
      },
    };
    return split as unknown as GPUComputePassEncoder;
  };
  encoderProto.finish = function (this: GPUCommandEncoder, descriptor?: GPUCommandBufferDescriptor) {
    const recording = recordings.get(this);
    if (recording && recording.names.length > 0) {
      const bytes = recording.names.length * 16;
      const resolved = device.createBuffer({
        size: bytes,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      this.resolveQuerySet(recording.querySet, 0, 2 * recording.names.length, resolved, 0);
      this.copyBufferToBuffer(resolved, 0, read, 0, bytes);
      readbacks.push({ names: recording.names, read, resolved, querySet: recording.querySet });
    }
    return finish.call(this, descriptor);
  };
  try {
    await body();
    // Mapped once the body is done, not while its work runs: Dawn for Node polls a pending map from a
    // busy loop, which on a software adapter takes a core from the work being timed.
    const totals = new Map<string, { ms: number; dispatches: number }>();
    for (const { names, read } of readbacks) {
      await read.mapAsync(GPUMapMode.READ);
      const ticks = new BigInt64Array(read.getMappedRange());
      names.forEach((name, i) => {
        const total = totals.get(name) ?? { ms: 0, dispatches: 0 };
        total.ms += Number(ticks[2 * i + 1]! - ticks[2 * i]!) / 1e6;
        total.dispatches++;
        totals.set(name, total);
      });
    }
    return totals;
  } finally {
    encoderProto.beginComputePass = beginComputePass;
    encoderProto.finish = finish;
    for (const { read, resolved, querySet } of readbacks) {
      read.destroy();
      resolved.destroy();
      querySet.destroy();
    }
  }
}
