/** The barrier mutation of the tests: a kernel run with one of its shader's barriers removed. */
import type { KernelRun } from '../../src/gpu/kernel.js';

export const BARRIER = /\b(?:storageBarrier|workgroupBarrier)\(\);/g;

/** The run with its spec's `index`-th barrier removed, under a name of its own (pipelines are cached by name). */
export function withoutBarrier(run: KernelRun, index: number): KernelRun {
  let seen = 0;
  const code = run.spec.code.replace(BARRIER, (barrier) => (seen++ === index ? `/* ${barrier} removed */` : barrier));
  return { ...run, spec: { ...run.spec, name: `${run.spec.name}~without-barrier-${index}`, code } };
}
