/**
 * One benchmark run: the fused kernels and stock tfjs on webgpu (when there is WebGPU), and stock
 * tfjs on cpu (when the shape is small enough for it), each forward and forward + backward.
 */
import * as tf from '@tensorflow/tfjs';
import { adapterName } from '../common/adapter-description.js';
import type { Backend } from '../common/backend.js';
import { formatNumber } from '../common/format.js';
import { describeConfig, flops, type BenchConfig } from './bench-config.js';
import type { BenchResult, ImplementationResult } from './bench-result.js';
import { timeFusedKernels } from './fused-timing.js';
import { timeStockOps } from './stock-timing.js';

/** The cpu backend runs shapes up to this many FLOPs per forward + backward call (about a second or two here). */
const CPU_FLOP_LIMIT = 1e9;

export type OnStatus = (text: string, fraction: number) => void;

function describeBackend(backend: Backend): string {
  if (backend.name === 'cpu') return `no WebGPU (${backend.whyNoWebGPU})`;
  return (
    `${adapterName(backend.adapter)}, ` +
    `${backend.adapter.isFallbackAdapter ? 'fallback adapter' : 'hardware adapter'}`
  );
}

export async function runBenchmark(config: BenchConfig, backend: Backend, onStatus: OnStatus): Promise<BenchResult> {
  const noWebGPU = 'needs WebGPU, which this browser does not offer';
  const cpuFlops = flops(config).forwardBackward;
  const cpuSkip =
    cpuFlops > CPU_FLOP_LIMIT
      ? `${formatNumber(cpuFlops / 1e9, 2)} GFLOP per forward + backward call ` +
        `is more than this page runs on the cpu backend (${formatNumber(CPU_FLOP_LIMIT / 1e9, 0)} GFLOP)`
      : null;
  const plan: { id: ImplementationResult['id']; label: string; skipped: string | null }[] = [
    { id: 'fused-webgpu', label: 'fused kernels · webgpu', skipped: backend.name === 'webgpu' ? null : noWebGPU },
    { id: 'stock-webgpu', label: 'stock tfjs ops · webgpu', skipped: backend.name === 'webgpu' ? null : noWebGPU },
    { id: 'stock-cpu', label: 'stock tfjs ops · cpu', skipped: cpuSkip },
  ];
  const toRun = plan.filter((p) => p.skipped === null).length;
  let done = 0;

  let fused: BenchResult['fused'] = null;
  const implementations: ImplementationResult[] = [];
  for (const { id, label, skipped } of plan) {
    if (skipped !== null) {
      implementations.push({ id, label, timings: null, skipped });
      continue;
    }
    const onProgress = (pass: string, what: string) =>
      onStatus(`${label}, ${pass}: ${what}`, (done + (pass === 'forward' ? 0.25 : 0.75)) / toRun);
    onStatus(`${label}: warming up`, done / toRun);
    if (id === 'fused-webgpu' && backend.name === 'webgpu') {
      const { forward, forwardBackward, strategy, dispatches } = await timeFusedKernels(
        backend.device,
        config,
        onProgress,
      );
      fused = { strategy, dispatches };
      implementations.push({ id, label, timings: { forward, forwardBackward } });
    } else {
      const backendName = id === 'stock-webgpu' ? 'webgpu' : 'cpu';
      const timestamps = backend.name === 'webgpu' && backendName === 'webgpu' && backend.adapter.timestampQuery;
      implementations.push({ id, label, timings: await timeStockOps(backendName, config, timestamps, onProgress) });
    }
    done++;
  }
  onStatus(`Done: ${describeConfig(config)}.`, 1);
  return {
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    adapter: describeBackend(backend),
    tfjs: tf.version.tfjs,
    config,
    fused,
    implementations,
  };
}
