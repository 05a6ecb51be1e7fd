/** The line under a page's title naming the WebGPU adapter in use, or saying there is none. */
import { h } from './dom.js';
import { adapterName, type AdapterDescription } from './adapter-description.js';
import type { Backend } from './backend.js';

export function renderAdapterLine(line: HTMLElement, backend: Backend): void {
  if (backend.name === 'cpu') {
    line.dataset.backend = backend.name;
    line.replaceChildren(
      h('strong', {}, 'No WebGPU'),
      h('span', { class: 'tag bad' }, "running on tfjs's cpu backend"),
    );
    return;
  }
  renderWebGPUAdapter(line, backend.adapter);
}

/** The adapter's name and tags; for pages that hold a WebGPU adapter without tfjs (or in a worker). */
export function renderWebGPUAdapter(line: HTMLElement, adapter: AdapterDescription): void {
  const { vendor, architecture, isFallbackAdapter, timestampQuery } = adapter;
  line.dataset.backend = 'webgpu';
  line.dataset.vendor = vendor;
  line.dataset.architecture = architecture;
  line.dataset.fallback = String(isFallbackAdapter);
  line.replaceChildren(
    'WebGPU adapter:',
    h('strong', {}, adapterName(adapter)),
    isFallbackAdapter
      ? h(
          'span',
          { class: 'tag', title: 'A software adapter: WebGPU runs on the CPU, so expect CPU speeds' },
          'fallback adapter, runs on the CPU',
        )
      : h('span', { class: 'tag good' }, 'hardware adapter'),
    h('span', { class: 'tag' }, timestampQuery ? 'GPU timestamps available' : 'no GPU timestamps'),
  );
}
