/** @file The shape-errors gallery: every entry quotes a compile error that the type tests check, and fails at run time as stated. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entries, main } from '../../examples/shape-errors.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const gallery = read('examples/shape-errors.ts'), typeTests = read('type-tests/shape-errors.test-d.ts');
/** the `~~~` lines: what the editor reports at each squiggle */
const squiggles = gallery.split('\n').flatMap((line) => /^\s*\/\/\s*~+ (.+)$/.exec(line)?.[1] ?? []);

describe('examples/shape-errors', () => {
  it('has one expected error and one quoted squiggle per entry', () => {
    expect(entries.length).toBeGreaterThanOrEqual(15);
    expect(gallery.match(/\/\/ @ts-expect-error\n/g)).toHaveLength(entries.length);
    expect(squiggles).toHaveLength(entries.length);
  });
  it('quotes only ShapeError messages that type-tests/shape-errors.test-d.ts checks', () => {
    const messages = squiggles.flatMap((s) => /^ShapeError<"(.*?)", /.exec(s)?.[1] ?? []);
    expect(messages.length).toBeGreaterThanOrEqual(14);
    for (const m of messages) expect(typeTests).toMatch(new RegExp(`ShapeError<['"]${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`));
    expect(typeTests.match(/^expectError\(/gm)!.length).toBeGreaterThanOrEqual(entries.length);
  });
  it('each mistake throws its runtime twin when the types are erased, except the ones only types can see', () => {
    for (const o of main()) {
      if (o.typesOnly) expect(o.thrown, o.title).toBeUndefined();
      else expect(o.thrown, o.title).toMatch(/^(ShapeMismatchError|ValueError): /);
    }
  });
});
