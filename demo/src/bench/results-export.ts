/** The results as JSON, to the clipboard or to a downloaded file. */
import type { BenchResult } from './bench-result.js';

const resultsJSON = (result: BenchResult): string => `${JSON.stringify(result, null, 2)}\n`;

export async function copyResults(result: BenchResult): Promise<void> {
  await navigator.clipboard.writeText(resultsJSON(result));
}

export function downloadResults(result: BenchResult): void {
  const { cell, batch, timesteps, features, units, activation } = result.config;
  const url = URL.createObjectURL(new Blob([resultsJSON(result)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `webgpu-rnn-bench-${cell}-${batch}x${timesteps}x${features}x${units}-${activation}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
