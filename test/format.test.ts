// The code's style is the formatter's (Prettier, .prettierrc.json; `npm run format` rewrites), and no line
// of source, tests, benchmarks, scripts, pages or WGSL passes 120 characters (comments and strings included,
// which Prettier leaves as written).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/readme.js';

const FOLDERS = ['src', 'test', 'bench', 'scripts', 'demo', '.ci'];
const SKIP = new Set(['node_modules', 'dist', 'results']);
const MAX_LINE = 120;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : files(path);
    return [path];
  });
}

const sources = [
  ...FOLDERS.flatMap((folder) => files(join(root, folder))),
  ...readdirSync(root)
    .filter((name) => /\.(ts|json|mjs)$/.test(name) && name !== 'package-lock.json')
    .map((name) => join(root, name)),
].filter((path) => /\.(ts|mjs|wgsl|html|css|json|sh)$|\/\.ci\/run$/.test(path));

describe('code style', () => {
  it('every source file is as Prettier writes it', async () => {
    const unformatted: string[] = [];
    for (const file of sources) {
      const info = await prettier.getFileInfo(file, { ignorePath: join(root, '.prettierignore') });
      if (info.ignored || info.inferredParser === null) continue;
      const options = await prettier.resolveConfig(file);
      if (!(await prettier.check(readFileSync(file, 'utf8'), { ...options, filepath: file })))
        unformatted.push(relative(root, file));
    }
    expect(unformatted, 'run npm run format').toEqual([]);
  });

  it(`no line passes ${MAX_LINE} characters`, () => {
    const long = sources.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => ([...line].length > MAX_LINE ? [`${relative(root, file)}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });
});
