import { describe, expect, it } from 'vitest';
import { createFloat32Buffer, submitAndRead } from '../src/gpu/buffers.js';
import { pacingHelps, SubmissionPacer, type Pace } from '../src/gpu/submission-pacer.js';
import { getDevice } from './helpers/webgpu.js';

describe('SubmissionPacer: waits out most of a submission before mapping', () => {
  it('paces only a software adapter under Node (the trainer maps at once elsewhere)', () => {
    expect(pacingHelps({ isFallbackAdapter: true })).toBe(true);
    expect(pacingHelps({ isFallbackAdapter: false })).toBe(false);
  });

  it('waits nothing until it has measured a submission, and learns until one that waited is measured', () => {
    const pacer = new SubmissionPacer();
    expect(pacer.pace(100).waitMs).toBe(0);
    expect(pacer.learning).toBe(true);
    pacer.pace(100).done(200); // 2 ms per unit, measured beside the polling
    expect(pacer.learning).toBe(true);
    const paced = pacer.pace(300);
    expect(paced.waitMs).toBeCloseTo(0.5 * 2 * 300, 9);
    paced.done(500);
    expect(pacer.learning).toBe(false);
  });

  it(
    'after a submission that waited, waits 0.9 of its pace; ' + 'after an idle wait (mapped at once), 0.9 of 0.8 of it',
    () => {
      const pacer = new SubmissionPacer();
      pacer.pace(100).done(200);
      const first = pacer.pace(100); // waits 100 ms
      first.done(first.waitMs + 1); // mapped at once: the work was done before the wait ended
      const second = pacer.pace(100);
      expect(second.waitMs).toBeCloseTo(0.9 * 0.8 * 101, 9);
      second.done(400); // still running after its wait: measured at its own pace
      expect(pacer.pace(50).waitMs).toBeCloseTo(0.9 * 4 * 50, 9);
    },
  );

  it('stops learning when an unpaced submission is too short to measure: waits would be short', () => {
    const pacer = new SubmissionPacer();
    pacer.pace(100).done(40); // 40 ms: mostly overhead
    expect(pacer.learning).toBe(false);
    expect(pacer.pace(100).waitMs).toBe(0);
  });

  it('skips waits too short for a timer, and keeps the pace it had then', () => {
    const pacer = new SubmissionPacer();
    pacer.pace(1000).done(60); // 0.06 ms per unit
    const short = pacer.pace(100); // a 3 ms wait
    expect(short.waitMs).toBe(0);
    short.done(10);
    expect(pacer.pace(1000).waitMs).toBeCloseTo(30, 9);
  });
});

describe('submitAndRead with a pace', async () => {
  const device = await getDevice();

  it('maps only after the wait, and reports the time from submission to mapped results', async () => {
    const source = createFloat32Buffer(device, Float32Array.of(1, 2, 3), 'paced');
    const original = GPUBuffer.prototype.mapAsync;
    let submitted = 0;
    let mapped = 0;
    const submit = device.queue.submit.bind(device.queue);
    device.queue.submit = (buffers) => {
      submitted = performance.now();
      submit(buffers);
    };
    GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<typeof original>) {
      mapped = performance.now();
      return original.apply(this, args);
    };
    let reported = 0;
    const pace: Pace = { waitMs: 120, done: (ms) => void (reported = ms) };
    try {
      expect(await submitAndRead(device, 'paced read', () => ({ buffer: source, offset: 0, floats: 3 }), pace)).toEqual(
        Float32Array.of(1, 2, 3),
      );
    } finally {
      GPUBuffer.prototype.mapAsync = original;
      device.queue.submit = submit;
      source.destroy();
    }
    // Timers may fire up to a millisecond early against performance.now().
    expect(mapped - submitted).toBeGreaterThanOrEqual(119);
    expect(reported).toBeGreaterThanOrEqual(119);
  });

  it('reports a WebGPU error of the recorded work after the wait, and no pace', async () => {
    const gone = createFloat32Buffer(device, Float32Array.of(1), 'gone');
    gone.destroy();
    let reported = false;
    await expect(
      submitAndRead(device, 'paced read', () => ({ buffer: gone, offset: 0, floats: 1 }), {
        waitMs: 20,
        done: () => void (reported = true),
      }),
    ).rejects.toThrow(/^paced read: WebGPU validation error: .*destroyed/);
    expect(reported).toBe(false);
  });
});
