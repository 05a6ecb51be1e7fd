/** What the pages show of a WebGPU adapter, and its name as a line of text (no tfjs here: workers use it too). */

export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly timestampQuery: boolean;
}

/** The adapter as the pages describe it; timestamps as far as `device` (made from it) has them. */
export function describeAdapter(adapter: GPUAdapter, device: GPUDevice): AdapterDescription {
  const { vendor, architecture, description, isFallbackAdapter } = adapter.info;
  return {
    vendor,
    architecture,
    description,
    isFallbackAdapter,
    timestampQuery: device.features.has('timestamp-query'),
  };
}

/** "google swiftshader", with the browser's description when it gives one. */
export function adapterName({ vendor, architecture, description }: AdapterDescription): string {
  const name = [vendor, architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  return description ? `${name} (${description})` : name;
}
