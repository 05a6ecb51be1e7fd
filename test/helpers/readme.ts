/**
 * The README's TypeScript examples. Each ```ts block follows a marker naming it and saying where
 * it runs: `<!-- readme-example: NAME (test/x.test.ts ...) -->`. Tests take a block by name and run
 * it as written; test/readme.test.ts checks that every block is marked and run by some test.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
const MARKED_BLOCK = /<!-- readme-example: ([\w-]+)[^>]*-->\s*```ts\n([\s\S]*?)```/g;

function readme(): string {
  return readFileSync(join(root, 'README.md'), 'utf8');
}

/** Every marked block, by name. */
export function readmeExamples(): Map<string, string> {
  return new Map([...readme().matchAll(MARKED_BLOCK)].map((match) => [match[1]!, match[2]!]));
}

export function readmeExample(name: string): string {
  const code = readmeExamples().get(name);
  if (code === undefined) throw new Error(`README.md has no example marked <!-- readme-example: ${name} -->`);
  return code;
}

/** How many ```ts blocks the README has, marked or not. */
export function typeScriptBlockCount(): number {
  return readme().match(/^```ts$/gm)?.length ?? 0;
}

/** Runs a TypeScript file with Node through this repo's tsx (transpiled only: the type-checks are separate). */
export function runTypeScript(cwd: string, args: string[], timeout = 180_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout,
  });
}

/**
 * Runs this repo's tsc on a project; returns its diagnostics, one per line (continuation lines
 * folded in), with paths relative to the project's folder.
 */
export function typeCheck(project: string): string[] {
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--pretty', 'false'],
    {
      cwd: dirname(project),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (tsc.error) throw tsc.error;
  return tsc.stdout.split(/\n(?=\S)/).filter((line) => line.trim() !== '');
}
