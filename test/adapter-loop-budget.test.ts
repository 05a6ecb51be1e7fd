/**
 * What each test adapter does with long loops, recorded because it decides which shapes the kernels
 * can run there: Mesa's llvmpipe (behind Dawn's OpenGL backend) gives every invocation one budget of
 * 65,535 loop iterations, shared by all the loops of the shader (LP_MAX_TGSI_LOOP_ITERATIONS in
 * Mesa's gallivm), and then leaves every loop early without a word. SwiftShader and real GPUs run
 * loops to the end. A kernel whose invocation loops past the budget gives wrong numbers there.
 */
import { describe, expect, it } from 'vitest';
import { createFloat32Buffer, readFloat32Buffer } from '../src/gpu/buffers.js';
import { getDevice, TEST_BACKEND, withErrorScopes } from './helpers/webgpu.js';

const LLVMPIPE_LOOP_BUDGET = 65_535;

const COUNTING_SHADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> counts: array<u32>;
@group(0) @binding(1) var<uniform> n: vec4u;

@compute @workgroup_size(1)
fn main() {
  var first = 0u;
  for (var i = 0u; i < n.x; i++) { first += 1u; }
  var second = 0u;
  for (var i = 0u; i < n.y; i++) { second += 1u; }
  counts[0] = first;
  counts[1] = second;
}`;

/** Runs two loops, one after the other, in one invocation; returns the iterations each ran. */
async function countIterations(device: GPUDevice, first: number, second: number): Promise<number[]> {
  return withErrorScopes(device, async () => {
    const module = device.createShaderModule({ code: COUNTING_SHADER });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const counts = createFloat32Buffer(device, new Float32Array(4), 'counts');
    const n = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(n, 0, Uint32Array.of(first, second, 0, 0));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: counts } },
          { binding: 1, resource: { buffer: n } },
        ],
      }),
    );
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const result = [...new Uint32Array((await readFloat32Buffer(device, counts, 2)).buffer)];
    counts.destroy();
    n.destroy();
    return result;
  });
}

describe('long loops on the test adapter', () => {
  const llvmpipe = TEST_BACKEND === 'opengl';
  it(
    llvmpipe ? 'llvmpipe stops loops after 65,535 iterations per invocation, silently' : 'loops run to the end',
    async () => {
      const device = await getDevice();
      expect(await countIterations(device, LLVMPIPE_LOOP_BUDGET, 0)).toEqual([LLVMPIPE_LOOP_BUDGET, 0]);
      expect(await countIterations(device, 100_000, 0)).toEqual([llvmpipe ? LLVMPIPE_LOOP_BUDGET : 100_000, 0]);
      // One budget for the whole invocation: the second loop gets what the first left.
      const [first, second] = await countIterations(device, 40_000, 40_000);
      expect(first).toBe(40_000);
      if (llvmpipe) expect(second).toBeLessThan(LLVMPIPE_LOOP_BUDGET - 40_000);
      else expect(second).toBe(40_000);
    },
  );
});
