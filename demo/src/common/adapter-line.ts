/** The line under a page's title naming the WebGPU adapter in use, or saying there is none. */
import { h } from './dom.js';
import { adapterName, type Backend } from './backend.js';

export function renderAdapterLine(line: HTMLElement, backend: Backend): void {
  line.dataset.backend = backend.name;
  if (backend.name === 'cpu') {
    line.replaceChildren(
      h('strong', {}, 'No WebGPU'),
      h('span', { class: 'tag bad' }, "running on tfjs's cpu backend"),
    );
    return;
  }
  const { vendor, architecture, isFallbackAdapter, timestampQuery } = backend.adapter;
  line.dataset.vendor = vendor;
  line.dataset.architecture = architecture;
  line.dataset.fallback = String(isFallbackAdapter);
  line.replaceChildren(
    'WebGPU adapter:',
    h('strong', {}, adapterName(backend.adapter)),
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
