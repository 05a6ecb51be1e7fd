/**
 * Debian's chromium with real WebGPU (SwiftShader on a machine without a GPU). Pages must come from
 * a loopback URL: navigator.gpu exists only in a secure context.
 */
import { chromium, type Browser } from 'playwright';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
