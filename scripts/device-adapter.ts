// The adapter Dawn finds here, its limits and features: the first thing to run on a lent GPU machine
// (bash .device/run.sh device-adapter.ts), and the script ../shared/gpu/bundle.sh bundles beside Node
// and Dawn (scripts/bundle-device.mjs bundles the others).
import { describeAdapter, requestNodeDevice } from 'webgpu-rnn/node';

const { device, adapter, adapterSummary, release } = await requestNodeDevice();
console.log(`adapter: ${describeAdapter(adapterSummary)}`);
console.log(`features: ${[...adapter.features].sort().join(', ')}`);
const limits = device.limits as unknown as Record<string, number>;
for (const name of [
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBufferBindingSize',
])
  console.log(`${name}: ${limits[name]}`);
release();
process.exit(0);
