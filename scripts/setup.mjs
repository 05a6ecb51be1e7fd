#!/usr/bin/env node
// Set-up that `npm start` and `npm test` run first. Plain Node, no dependencies, quick when all is
// in place: installs npm dependencies when missing or stale, builds what is out of date, and makes
// sure Dawn finds a WebGPU adapter, installing the CPU fallback (Debian `chromium` for SwiftShader,
// `libvulkan1` for the Vulkan loader) when it can, or stopping with the exact command to run.
// The tests also run on Dawn's OpenGL backend (Mesa's llvmpipe), whose EGL and GL drivers
// (`libegl1 libegl-mesa0 libgl1-mesa-dri`) are installed the same way.
//
//   node scripts/setup.mjs              library + adapter
//   node scripts/setup.mjs --for test   also the OpenGL adapter, the demo build and a browser
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTest = process.argv.includes('--for') && process.argv[process.argv.indexOf('--for') + 1] === 'test';
/** Debian packages per Dawn backend: the CPU fallback each needs where there is no GPU. */
const BACKENDS = {
  vulkan: {
    packages: ['chromium', 'libvulkan1'],
    what: "the WebGPU CPU fallback (SwiftShader via Debian's chromium, and the Vulkan loader)",
  },
  opengl: {
    packages: ['libegl1', 'libegl-mesa0', 'libgl1-mesa-dri'],
    what: "Mesa's EGL and OpenGL drivers (llvmpipe), for Dawn's OpenGL backend",
  },
};
const aptCommand = (packages) => `apt-get update && apt-get install -y ${packages.join(' ')}`;
const CHROMIUM = '/usr/bin/chromium';

const log = (message) => console.log(`setup: ${message}`);

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  return result.status === 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Node ${process.versions.node} is too old: this project needs Node 20.19 or newer`);
}

function hashFiles(paths) {
  const hash = createHash('sha256');
  for (const path of paths.sort()) {
    hash.update(relative(root, path));
    hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

function listFiles(dir, keep = () => true) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : listFiles(path, keep);
    return keep(path) ? [path] : [];
  });
}

/** Runs `action` when the hash of `inputs` differs from the one stored in `stamp`. */
function whenChanged(name, inputs, stamp, action) {
  const hash = hashFiles(inputs);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log(`${name}...`);
  action();
  writeFileSync(stamp, hash);
}

/** npm ci when node_modules is missing or was installed from another package-lock.json (its stamp lives inside). */
function installDependencies() {
  whenChanged(
    'installing npm dependencies (npm ci)',
    [join(root, 'package-lock.json')],
    join(root, 'node_modules', '.webgpu-rnn-deps'),
    () => {
      if (!run('npm', ['ci', '--no-audit', '--no-fund'])) fail('npm ci failed');
    },
  );
}

function buildLibrary() {
  const inputs = [
    ...listFiles(join(root, 'src')),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts'].map((f) =>
      join(root, f),
    ),
  ];
  const stamp = join(root, 'dist', '.build-stamp');
  if (!existsSync(join(root, 'dist', 'index.js')) && existsSync(stamp)) writeFileSync(stamp, '');
  whenChanged('building the library (npm run build)', inputs, stamp, () => {
    if (!run('npm', ['run', '--silent', 'build'])) fail('npm run build failed');
  });
}

function buildDemo() {
  const demo = join(root, 'demo');
  if (!existsSync(join(demo, 'vite.config.ts'))) return;
  const inputs = [...listFiles(demo), ...listFiles(join(root, 'src')), join(root, 'package-lock.json')];
  whenChanged('building the demo (npm run build:demo)', inputs, join(root, 'demo', 'dist', '.build-stamp'), () => {
    if (!run('npm', ['run', '--silent', 'build:demo'])) fail('npm run build:demo failed');
  });
}

/** Asks Dawn for an adapter in a child process (Dawn keeps a process alive); returns its summary or null. */
function probeAdapter(backend) {
  const probe = `
    const { requestNodeDevice, describeAdapter } = await import('./dist/node.js');
    try {
      const webgpu = await requestNodeDevice({ optionalFeatures: [], backend: '${backend}' });
      console.log(JSON.stringify({ ok: true, adapter: describeAdapter(webgpu.adapterSummary) }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: error.message }));
    }
    process.exit(0);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return {
      ok: false,
      error: `the adapter probe crashed: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
}

function canInstallWithApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

function aptInstall(reason, { packages, what }) {
  const command = aptCommand(packages);
  if (!canInstallWithApt()) fail(`${reason}.\nInstall ${what}, as root:\n  ${command}`);
  log(`${reason}: installing ${packages.join(', ')} with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get', ['update', '-qq'], { env })) fail(`apt-get update failed; run: ${command}`);
  if (!run('apt-get', ['install', '-y', '-qq', ...packages], { env })) fail(`apt-get install failed; run: ${command}`);
}

function ensureAdapter(backend) {
  const needs = BACKENDS[backend];
  let probe = probeAdapter(backend);
  if (!probe.ok) {
    aptInstall(`no WebGPU adapter on Dawn's ${backend} backend (${probe.error})`, needs);
    probe = probeAdapter(backend);
    if (!probe.ok)
      fail(
        `still no WebGPU adapter on Dawn's ${backend} backend ` +
          `after installing ${needs.packages.join(', ')}: ${probe.error}`,
      );
  }
  log(`WebGPU adapter (${backend}): ${probe.adapter}`);
}

function ensureBrowser() {
  if (!existsSync(CHROMIUM)) aptInstall(`the browser tests need ${CHROMIUM}`, BACKENDS.vulkan);
}

checkNode();
installDependencies();
buildLibrary();
if (forTest) buildDemo();
ensureAdapter('vulkan');
if (forTest) ensureAdapter('opengl');
if (forTest) ensureBrowser();
