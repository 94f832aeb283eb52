/** @file Enforces the code layout of shared/DESIGN.md section 3: import direction, faces, file size, `any` budget, and nothing Node-only outside io/ (the library runs in browsers). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
/** the layers of src/, bottom first; a folder may import only from folders of a lower rank */
const RANK: Readonly<Record<string, number>> = {
  dtype: 0, shape: 0, backend: 1, tensor: 2, core: 3, tree: 3, ops: 4, autodiff: 5, random: 5,
  layers: 6, optim: 6, analysis: 7, io: 7, train: 7,
};
/** imports that the ranks allow but the design forbids */
const FORBIDDEN: readonly (readonly [string, string])[] = [['layers', 'autodiff'], ['optim', 'autodiff']];
/** the only place where a traced value becomes a typed tensor may use `any`-like casts */
const ANY_BUDGET = 4;
const MAX_LINES = 500;

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const sources = files(SRC).map((p) => ({ path: relative(SRC, p), text: readFileSync(p, 'utf8') }));
const folderOf = (path: string): string => (path.includes('/') ? path.split('/')[0]! : '');
const importsOf = (text: string): string[] =>
  [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

/** the text with comments and the insides of string and template literals blanked: the code that runs (a regex literal holding a quote may confuse it) */
const codeOf = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!, next = text[i + 1];
    if (c === '/' && (next === '/' || next === '*')) {
      const end = next === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2) + 2;
      i = end <= 1 ? text.length : end;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += c + c;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
};

describe('architecture', () => {
  it('knows every folder of src/', () => {
    const unknown = [...new Set(sources.map((s) => folderOf(s.path)))].filter((f) => f !== '' && !(f in RANK));
    expect(unknown).toEqual([]);
  });

  it('imports point down only, and never from layers/optim into autodiff', () => {
    const bad: string[] = [];
    for (const s of sources) {
      const from = folderOf(s.path);
      if (from === '') continue; // src/index.ts is the public surface
      for (const spec of importsOf(s.text)) {
        const m = /^\.\.\/([a-z]+)\//.exec(spec);
        if (!m) continue;
        const to = m[1]!;
        if (!(to in RANK)) continue;
        if (RANK[to]! >= RANK[from]! || FORBIDDEN.some(([a, b]) => a === from && b === to)) bad.push(`${s.path} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("reaches other folders only through their index.ts", () => {
    const deep = sources.flatMap((s) =>
      importsOf(s.text).filter((spec) => /^\.\.\/[a-z]+\/(?!index\.js$)/.test(spec) && folderOf(s.path) !== '').map((spec) => `${s.path} -> ${spec}`));
    expect(deep).toEqual([]);
  });

  it('touches the file system only in io/', () => {
    const fsUsers = sources.filter((s) => folderOf(s.path) !== 'io' && /from ['"](node:)?fs(\/promises)?['"]/.test(s.text)).map((s) => s.path);
    expect(fsUsers).toEqual([]);
  });

  it('imports node: modules only in io/ and only lazily there: the library runs unchanged in browsers', () => {
    const bad = sources.flatMap((s) => {
      const staticImports = importsOf(s.text.replace(/^\s*(?:import|export)\s+type\b.*$/gm, '')).filter((spec) => spec.startsWith('node:'));
      const sideEffects = [...s.text.matchAll(/^\s*import\s+['"](node:[^'"]+)['"]/gm)].map((m) => m[1]!);
      const lazy = folderOf(s.path) === 'io' ? [] : [...s.text.matchAll(/\bimport\s*\(\s*['"](node:[^'"]+)['"]/g)].map((m) => `${m[1]!} (dynamic)`);
      return [...staticImports, ...sideEffects, ...lazy].map((spec) => `${s.path} -> ${spec}`);
    });
    expect(bad).toEqual([]);
  });

  it('reads process, Buffer and require outside io/ only behind a guard (globalThis.process?.x, typeof process)', () => {
    const bare = /(?<![\w$.])(?<!typeof\s+)(process|Buffer|require|__dirname|__filename)\b(?!\s*\??:)/g;
    const bad = sources.filter((s) => folderOf(s.path) !== 'io').flatMap((s) =>
      [...codeOf(s.text).matchAll(bare)].map((m) => `${s.path}: ${m[1]!}`));
    expect(bad).toEqual([]);
  });

  it(`keeps every file under ${MAX_LINES} lines`, () => {
    const big = sources.filter((s) => s.text.split('\n').length > MAX_LINES).map((s) => s.path);
    expect(big).toEqual([]);
  });

  it(`stays within an any budget of ${ANY_BUDGET}`, () => {
    const count = sources.reduce((n, s) => n + (s.text.match(/:\s*any\b|\bas any\b|<any>|as unknown as/g)?.length ?? 0), 0);
    expect(count).toBeLessThanOrEqual(ANY_BUDGET);
  });

  it('opens every file with a one-line @file comment', () => {
    const missing = sources.filter((s) => !s.text.startsWith('/** @file ')).map((s) => s.path);
    expect(missing).toEqual([]);
  });
});
