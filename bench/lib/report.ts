// Shared by the benchmarks: timing by median of rounds, and reporting as a table, JSON, and the
// copy of the table in docs/benchmarks.md (between <!-- bench:NAME:start --> and <!-- bench:NAME:end -->).
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable } from 'markdown-table';

const root = join(import.meta.dirname, '..', '..');

/**
 * Milliseconds per call: `calls` calls per round (each `run(i)`), then `settle()` waits for the
 * device; the median round over `rounds`, after a warm-up round unless `warmUp` is false.
 */
export async function timePerCall(
  run: (i: number) => void | Promise<void>,
  settle: () => Promise<unknown>,
  calls: number,
  rounds: number,
  warmUp = true,
): Promise<number> {
  const perRound: number[] = [];
  for (let round = warmUp ? 0 : 1; round <= rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await run(i);
    await settle();
    if (round > 0) perRound.push((performance.now() - start) / calls);
  }
  perRound.sort((a, b) => a - b);
  return perRound[Math.floor(perRound.length / 2)]!;
}

/** Something to time: `run()` queues one call, `settle()` waits for the device. */
export interface Timed {
  run(): void;
  settle(): Promise<unknown>;
}

/**
 * Milliseconds per call of each of `timed`, in interleaved rounds: every one once per round, so that
 * a GPU's clocks ramping up (or other drift) fall on all alike; timed back to back, the first variant
 * on the H100 ran up to 2.5x slower than the same one timed later. Calls per round are calibrated
 * from a warm-up call to about `roundMs` (at least 1, at most `maxCalls`); the median of `rounds`.
 */
export async function timeInterleaved(timed: Timed[], rounds: number, roundMs = 20, maxCalls = 200): Promise<number[]> {
  const once = async (t: Timed, calls: number) => {
    const start = performance.now();
    for (let i = 0; i < calls; i++) t.run();
    await t.settle();
    return (performance.now() - start) / calls;
  };
  const calls: number[] = [];
  for (const t of timed) calls.push(Math.max(1, Math.min(maxCalls, Math.round(roundMs / (await once(t, 1))))));
  const perRound: number[][] = timed.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (const [i, t] of timed.entries()) perRound[i]!.push(await once(t, calls[i]!));
  return perRound.map((ms) => ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!);
}

export const fixed = (value: number, digits = 2): string => value.toFixed(digits);
export const ratio = (value: number): string =>
  `${value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toPrecision(2)}x`;

export interface Table {
  readonly caption?: string;
  readonly header: string[];
  readonly rows: string[][];
}

export interface Report {
  readonly name: string;
  readonly title: string;
  readonly adapter: string;
  readonly tables: Table[];
  readonly notes: string[];
  readonly json: unknown;
}

function render(table: Table): string {
  const body = markdownTable([table.header, ...table.rows], {
    align: table.header.map((_, i) => (i === 0 ? 'l' : 'r')),
  });
  return table.caption ? `${table.caption}\n\n${body}` : body;
}

/** Prints the table and writes bench/results/NAME.json and its section of docs/benchmarks.md. */
export function publish(report: Report): void {
  const date = new Date().toISOString().slice(0, 10);
  const section = [
    `${report.title}, measured ${date} on **${report.adapter}**:`,
    ...report.tables.flatMap((table) => ['', render(table)]),
    '',
    ...report.notes.map((n) => `- ${n}`),
  ].join('\n');
  console.log(`\n${section}\n`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const jsonPath = join(root, 'bench', 'results', `${report.name}.json`);
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ date, adapter: report.adapter, ...(report.json as object) }, null, 2)}\n`,
  );
  console.log(`wrote ${jsonPath}`);
  const docPath = join(root, 'docs', 'benchmarks.md');
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const start = `<!-- bench:${report.name}:start -->`;
  const end = `<!-- bench:${report.name}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) {
    console.log(`docs/benchmarks.md has no ${start} ... ${end} section; not updated`);
    return;
  }
  writeFileSync(docPath, `${doc.slice(0, from + start.length)}\n${section}\n${doc.slice(to)}`);
  console.log('updated the table in docs/benchmarks.md');
}
