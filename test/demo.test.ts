/**
 * The demo pages in a real browser: Debian's chromium with real WebGPU (SwiftShader on a machine
 * without a GPU), on the built demo (demo/dist; `npm test` builds it first) served by Vite's
 * preview on a free loopback port. No WebGPU adapter is a failure, never a skip.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from './helpers/chromium.js';

const root = join(import.meta.dirname, '..');
const SCREENSHOTS = join(root, 'artifacts', 'screenshots');

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let baseUrl: URL;

beforeAll(async () => {
  if (!existsSync(join(root, 'demo', 'dist', 'index.html'))) {
    throw new Error('demo/dist is missing: run `npm run build:demo` first (`npm test` does it for you)');
  }
  // 127.0.0.1, like localhost, is a secure context, which navigator.gpu needs.
  server = await preview({
    configFile: join(root, 'demo', 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview started but reported no local URL');
  baseUrl = new URL(url);
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface OpenPage {
  readonly page: Page;
  /** Console errors and uncaught exceptions, as they happen. */
  readonly errors: string[];
}

async function open(path: string): Promise<OpenPage> {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(new URL(path, baseUrl).href);
  // The page fills in its adapter line once tfjs has started.
  await page.locator('#adapter[data-backend]').waitFor({ timeout: 60_000 });
  return { page, errors };
}

async function expectWebGPUAdapter(page: Page): Promise<void> {
  const adapter = page.locator('#adapter');
  const backend = await adapter.getAttribute('data-backend');
  expect(backend, `the page found no WebGPU: ${await page.locator('#page-alerts').innerText()}`).toBe('webgpu');
  expect(await adapter.getAttribute('data-vendor')).toMatch(/\S/);
  expect(await adapter.innerText()).toMatch(/^WebGPU adapter:\s+\S+/);
}

/** Screenshots are evidence for a person to look at; failing to take one must not hide the test's own error. */
async function saveScreenshot(page: Page, name: string): Promise<void> {
  try {
    await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  } catch (error) {
    console.warn(`could not save the screenshot ${name}: ${(error as Error).message}`);
  }
}

/** Waits for `done`, failing at once with the page's message if an error box shows up instead. */
async function waitForResult(page: Page, done: string, timeout: number): Promise<void> {
  await page.locator(`${done}, .alert.error`).first().waitFor({ timeout });
  const alerts = page.locator('.alert.error');
  if ((await alerts.count()) > 0) throw new Error(`the page shows an error: ${await alerts.first().innerText()}`);
}

const seedPage =
  'notebook page: Train with 200 epochs on WebGPU, then a finite prediction, a passing CPU check ' +
  'and what an epoch is made of';
test(
  seedPage,
  async () => {
    const { page, errors } = await open('index.html');
    try {
      await expectWebGPUAdapter(page);
      expect(await page.locator('#epochs').inputValue()).toBe('200');

      await page.locator('#train-button').click();
      await waitForResult(page, '#check-verdict[data-verdict]', 150_000);

      const figures = page.locator('#train-figures');
      const firstLoss = Number(await figures.getAttribute('data-first-loss'));
      const finalLoss = Number(await figures.getAttribute('data-final-loss'));
      expect(Number.isFinite(firstLoss) && Number.isFinite(finalLoss)).toBe(true);
      expect(finalLoss).toBeLessThan(firstLoss);

      const prediction = JSON.parse(
        (await page.locator('#prediction').getAttribute('data-values')) ?? 'null',
      ) as unknown;
      expect(prediction).toHaveLength(2);
      expect((prediction as number[]).every(Number.isFinite)).toBe(true);
      expect(await page.locator('#prediction').innerText()).toMatch(/^\[-?[\d,.]+, -?[\d,.]+\]$/);

      expect(await page.locator('#check-verdict').getAttribute('data-verdict')).toBe('PASS');
      expect(await page.locator('#check-table').isVisible()).toBe(true);
      // The comparison table fits its card (its column names once pushed it past the card's right edge).
      const overflow = await page
        .locator('#check-table')
        .evaluate(
          (table) => table.getBoundingClientRect().right - table.closest('.card')!.getBoundingClientRect().right,
        );
      expect(overflow, 'pixels past the card').toBeLessThanOrEqual(0);
      // Both curves drawn: vega-embed rendered an SVG into the chart's box.
      await page.locator('#check-chart svg').first().waitFor();

      // What the epoch is made of: model.fit's epoch on webgpu as the fused layer's share and tfjs's floor, beside
      // cpu's and the standalone trainer's, each a measured number, and the sentence that reads them.
      await waitForResult(page, '#breakdown-table[data-done]', 60_000);
      const breakdown = Object.fromEntries(
        await page
          .locator('#breakdown-table tbody tr')
          .evaluateAll((rows) =>
            rows.map((row) => [(row as HTMLElement).dataset.row, (row as HTMLElement).dataset.ms]),
          ),
      ) as Record<string, string | undefined>;
      expect(Object.keys(breakdown)).toEqual(['fit', 'layer', 'floor', 'cpu', 'trainer']);
      const ms = (row: string) => Number(breakdown[row]);
      for (const row of ['fit', 'floor', 'cpu', 'trainer']) expect(ms(row), row).toBeGreaterThan(0);
      expect(ms('layer'), "the layer's share is the epoch minus the floor").toBeCloseTo(ms('fit') - ms('floor'), 6);
      expect(await page.locator('#breakdown-summary').innerText()).toMatch(
        new RegExp(
          // The layer's share, or (within noise of the floor) that it is too small to tell apart.
          "(kernels take [\\d.,]+ ms of model\\.fit's [\\d.,]+ ms per epoch on webgpu and tfjs's floor [\\d.,]+ ms|" +
            "tfjs's floor alone takes as long as model\\.fit's whole epoch on webgpu \\([\\d.,]+ ms\\)).*" +
            'the standalone trainer, with no tfjs, trains the same model in [\\d.,]+ ms per epoch: ' +
            'what the kernels themselves cost',
        ),
      );
      const pastCard = await page
        .locator('#breakdown-table')
        .evaluate(
          (table) => table.getBoundingClientRect().right - table.closest('.card')!.getBoundingClientRect().right,
        );
      expect(pastCard, 'pixels of the breakdown past its card').toBeLessThanOrEqual(0);
      await saveScreenshot(page, 'notebook.png');

      // The switch to the standalone trainer: it passes the same check, and its time shows beside tfjs's.
      await page.locator('#trainer').selectOption({ label: 'standalone trainer · no tfjs' });
      await page.locator('#train-button').click();
      await page.locator('#check-verdict[data-verdict]').waitFor({ state: 'detached' });
      await waitForResult(page, '#check-verdict[data-verdict]', 150_000);
      expect(await page.locator('#check-verdict').getAttribute('data-verdict')).toBe('PASS');
      expect(await page.locator('#check-verdict').innerText()).toContain('standalone trainer');
      expect(await page.locator('#train-times').innerText()).toMatch(
        new RegExp(
          'tfjs model\\.fit · fused layer [\\d.,]+ ms · standalone trainer · no tfjs [\\d.,]+ ms: ' +
            'standalone trainer · no tfjs is [\\d,]+× faster',
        ),
      );
      expect(errors).toEqual([]);
    } finally {
      await saveScreenshot(page, 'notebook-standalone.png');
      await page.close();
    }
  },
  240_000,
);

const lstmPage =
  'notebook page with an LSTM in place of the SimpleRNN: trains, predicts and passes the CPU check; ' +
  'the standalone trainer as its own answer says';
test(
  lstmPage,
  async () => {
    const { page, errors } = await open('index.html');
    try {
      await expectWebGPUAdapter(page);
      await page.locator('#cell').selectOption('lstm');
      await expect
        .poll(() => page.locator('#model-summary').innerText())
        .toMatch(/LSTM[\s\S]*10,400[\s\S]*Total\s+10,502/);
      expect(await page.locator('#model-formula').innerText()).toContain(
        'LSTM4·((features + units)·units + units) = 4·((1 + 50)·50 + 50) = 10,400',
      );

      // The standalone trainer is asked whether it takes cell: 'lstm'. While it refuses the option, the
      // page offers it disabled, with the trainer's own refusal; once it takes it, it must train and pass.
      const standalone = page.locator('#trainer option', { hasText: 'standalone trainer' });
      await page.locator('#trainer[data-cell="lstm"]').waitFor({ state: 'attached' });
      const refusal = await standalone.getAttribute('data-unavailable');
      if (refusal !== null) {
        expect(await standalone.isDisabled()).toBe(true);
        expect(refusal).toMatch(/"cell"/);
        expect(await standalone.innerText()).toBe('standalone trainer · no tfjs (not available for LSTM)');
        expect(await page.locator('#trainer-note').innerText()).toContain(
          'standalone trainer · no tfjs cannot train LSTM yet: asked, it answers “',
        );
      }

      // 20 epochs: the SimpleRNN test above trains the notebook's 200; each way of training here is checked
      // against cpu over the epochs it ran.
      await page.locator('#epochs').fill('20');
      await page.locator('#train-button').click();
      await waitForResult(page, '#check-verdict[data-verdict]', 180_000);
      expect(await page.locator('#check-verdict').getAttribute('data-verdict')).toBe('PASS');
      expect(await page.locator('#check-verdict').innerText()).toMatch(
        /fused layer · LSTM matches cpu · stock tf\.layers\.lstm/,
      );
      const prediction = JSON.parse(
        (await page.locator('#prediction').getAttribute('data-values')) ?? 'null',
      ) as number[];
      expect(prediction.every(Number.isFinite)).toBe(true);
      await saveScreenshot(page, 'notebook-lstm.png');

      if (refusal === null) {
        await page.locator('#trainer').selectOption({ label: 'standalone trainer · no tfjs' });
        await page.locator('#train-button').click();
        await page.locator('#check-verdict[data-verdict]').waitFor({ state: 'detached' });
        await waitForResult(page, '#check-verdict[data-verdict]', 180_000);
        expect(await page.locator('#check-verdict').getAttribute('data-verdict')).toBe('PASS');
      }
      // Back to SimpleRNN: the standalone trainer is offered again.
      await page.locator('#cell').selectOption('simpleRNN');
      await page.locator('#trainer[data-cell="simpleRNN"]').waitFor({ state: 'attached' });
      expect(await standalone.isDisabled()).toBe(false);
      expect(await page.locator('#trainer-note').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  },
  300_000,
);

test.each([
  ['simpleRNN', 'SimpleRNN'],
  ['gru', 'GRU'],
] as const)(
  'benchmark page: the seed preset times the fused kernels and stock tfjs on webgpu (%s)',
  async (cell, name) => {
    const { page, errors } = await open('bench.html');
    try {
      await expectWebGPUAdapter(page);
      await page.locator('#cell').selectOption(cell);
      await page.getByRole('button', { name: /^Seed 5×3×1×50 relu/ }).click();
      await page.locator('#run-button').click();
      await waitForResult(page, '#results-table:not([hidden])', 120_000);
      expect(await page.locator('#bench-status').innerText()).toMatch(
        new RegExp(`^Done: ${name} · B 5 · T 3 · F 1 · U 50 · relu\\.$`),
      );

      for (const implementation of ['fused-webgpu', 'stock-webgpu']) {
        const times = await page
          .locator(`#results-table tr[data-implementation="${implementation}"] td[data-ms]`)
          .evaluateAll((cells) => cells.map((cell) => Number((cell as HTMLElement).dataset.ms)));
        // forward and forward + backward wall clock, and GPU time for each where the adapter has timestamps
        expect(times.length, `${implementation} row`).toBeGreaterThanOrEqual(2);
        for (const ms of times) expect(ms, implementation).toBeGreaterThan(0);
      }
      await page.locator('#timing-chart svg').first().waitFor();
      expect(await page.locator('#copy-json').isEnabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await saveScreenshot(page, `benchmark-${cell}.png`);
      await page.close();
    }
  },
  150_000,
);

/** The largest gap between timer ticks every 10 ms over `ms`: how long the page's main thread was busy at a stretch. */
function longestTimerGap(page: Page, ms: number): Promise<number> {
  return page.evaluate(
    (duration) =>
      new Promise<number>((resolve) => {
        let last = performance.now();
        let longest = 0;
        const ticks = setInterval(() => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
        }, 10);
        setTimeout(() => {
          clearInterval(ticks);
          resolve(longest);
        }, duration);
      }),
    ms,
  );
}

const charRnnPage =
  'char-RNN page: a small LSTM trains in a worker, the loss falls, samples follow temperature and seed, ' +
  'the weights download as a tfjs model, the page stays responsive while it trains';
test(
  charRnnPage,
  async () => {
    const { page, errors } = await open('char-rnn.html');
    try {
      await expectWebGPUAdapter(page);
      // The defaults are char-rnn's, for a GPU; SwiftShader gets the Quick preset on a shorter text.
      expect(await page.locator('#cell').inputValue()).toBe('lstm');
      expect([await page.locator('#layers').inputValue(), await page.locator('#units').inputValue()]).toEqual([
        '2',
        '128',
      ]);
      await page.getByRole('button', { name: /^Quick/ }).click();
      expect(await page.locator('#units').inputValue()).toBe('32');
      await page.locator('#characters').fill('5000');
      await page.locator('#epochs').fill('4');
      await page.locator('#sample-length').fill('120');
      await page.locator('#temperature').fill('0.5');
      const summary = page.locator('#model-summary');
      await expect.poll(() => summary.innerText()).toMatch(/^Embedding\(\d+ → 16\) → LSTM\(32\)/);
      await page.locator('#train-button:enabled').click();

      await waitForResult(page, '#train-status[data-done="finished"]', 240_000);
      const figures = page.locator('#train-figures');
      expect(await figures.getAttribute('data-epochs')).toBe('4');
      const firstLoss = Number(await figures.getAttribute('data-first-loss'));
      const finalLoss = Number(await figures.getAttribute('data-final-loss'));
      expect(Number.isFinite(firstLoss) && Number.isFinite(finalLoss)).toBe(true);
      expect(finalLoss).toBeLessThan(firstLoss);
      const charactersPerSecond = async () => Number(await figures.getAttribute('data-characters-per-second'));
      const firstRun = await charactersPerSecond();
      expect(firstRun).toBeGreaterThan(0);
      await page.locator('#loss-chart svg').first().waitFor();

      // The last epoch's sample, at the slider's temperature; then the same seed hotter, then a new seed.
      const sample = page.locator('#sample');
      const generated = async () => (await sample.getAttribute('data-generated')) ?? '';
      expect(await sample.getAttribute('data-temperature')).toBe('0.5');
      const cool = await generated();
      expect([...cool]).toHaveLength(120);
      const seed = await sample.getAttribute('data-seed');
      await page.locator('#temperature').fill('1.5');
      await expect.poll(() => sample.getAttribute('data-temperature')).toBe('1.5');
      expect(await sample.getAttribute('data-seed')).toBe(seed);
      const hot = await generated();
      expect([...hot]).toHaveLength(120);
      expect(hot).not.toBe(cool);
      await page.locator('#resample-button').click();
      await expect.poll(() => sample.getAttribute('data-seed')).not.toBe(seed);
      expect(await generated()).not.toBe(hot);

      // The weights as a tfjs model: loaded back in tfjs, it gives the trainer's probabilities; two files.
      const downloads: Download[] = [];
      page.on('download', (download) => downloads.push(download));
      await page.locator('#download-button').click();
      await waitForResult(page, '#download-status[data-difference]', 120_000);
      expect(Number(await page.locator('#download-status').getAttribute('data-difference'))).toBeLessThan(1e-4);
      await expect
        .poll(() => downloads.map((d) => d.suggestedFilename()).sort())
        .toEqual(['char-rnn.json', 'char-rnn.weights.bin']);
      const modelJson = downloads.find((d) => d.suggestedFilename() === 'char-rnn.json')!;
      const saved = JSON.parse(readFileSync(await modelJson.path(), 'utf8')) as {
        modelTopology: unknown;
        userDefinedMetadata: { vocabulary: string[] };
      };
      expect(JSON.stringify(saved.modelTopology)).toMatch(/"class_name":"Embedding"[\s\S]*"class_name":"LSTM"/);
      expect(saved.userDefinedMetadata.vocabulary.length).toBeGreaterThan(20);
      await saveScreenshot(page, 'char-rnn.png');

      // A long run: it trains in the page's one worker, the main thread stays free, the slider and New
      // sample answer (a sample between two epochs), and Stop ends it after the running epoch.
      await page.locator('#epochs').fill('200');
      await page.locator('#train-button:enabled').click();
      // Any epoch of this run (its figures say "of 200"): an epoch can take a quarter second, over before a
      // check for epoch 1 alone comes round.
      await waitForResult(page, '#train-figures:has-text("of 200")', 120_000);
      expect(page.workers()).toHaveLength(1);
      // The page's own work between epochs (chart, figures) stays short. A loaded 2-core machine (SwiftShader's
      // threads beside the page's) has delayed a timer by 463 ms here; on a quiet one the gap is ~20 ms.
      const gap = await longestTimerGap(page, 1500);
      expect(gap, 'ms the main thread was busy at a stretch while training').toBeLessThan(750);
      await page.locator('#temperature').fill('0.8');
      expect(await page.locator('#temperature-value').innerText()).toBe('0.80');
      const during = await sample.getAttribute('data-seed');
      await page.locator('#resample-button').click();
      await expect.poll(() => sample.getAttribute('data-seed'), { timeout: 60_000 }).not.toBe(during);
      expect(await page.locator('#train-status').getAttribute('data-done'), 'still training').toBeNull();
      await page.locator('#stop-button').click();
      await waitForResult(page, '#train-status[data-done="stopped"]', 120_000);
      expect(Number(await figures.getAttribute('data-epochs'))).toBeLessThan(200);
      console.log(
        `char-RNN page, 1 × 32 LSTM, 25 steps, batch 50: ${Math.round(firstRun)} characters/s (first run), ` +
          `${Math.round(await charactersPerSecond())} (second run); main thread busy ${Math.round(gap)} ms at most`,
      );
      expect(errors).toEqual([]);
    } finally {
      await saveScreenshot(page, 'char-rnn-stopped.png');
      await page.close();
    }
  },
  400_000,
);
