// The layering the README describes, checked on the source itself: who may import whom, and no
// import cycles anywhere in src/. A small scanner of relative imports (type imports included, since
// a cycle of types still ties modules together) instead of a dependency-graph tool: the rules are
// few and the code base uses one import style.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/test-env.js';

const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'public' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of every source file, as paths relative to src/ ("db/store.ts"). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => {
      const resolved = path.resolve(path.dirname(file), m[1]).replace(/\.js$/, '.ts');
      return path.relative(SRC, resolved);
    });
    graph.set(
      path.relative(SRC, file),
      targets.filter((t) => t.endsWith('.ts')),
    );
  }
  return graph;
}

const graph = importGraph();
const layer = (file: string) => (file.includes('/') ? file.split('/')[0] : file.replace(/\.ts$/, ''));

/** Imports from `from` layer that reach outside `allowed` layers. */
function outside(from: string, allowed: string[]): string[] {
  const bad: string[] = [];
  for (const [file, targets] of graph)
    if (layer(file) === from) for (const t of targets) if (!allowed.includes(layer(t))) bad.push(`${file} → ${t}`);
  return bad;
}

describe('architecture', () => {
  it('the domain imports nothing but itself (and the leaf redact module)', () => {
    expect(outside('domain', ['domain', 'redact'])).toEqual([]);
  });

  it('texts import only the domain', () => {
    expect(outside('texts', ['texts', 'domain', 'redact'])).toEqual([]);
  });

  it('stores import only the domain', () => {
    expect(outside('db', ['db', 'domain', 'redact'])).toEqual([]);
  });

  it('the knowledge engine knows nothing of channels, flows, stores, broadcasting or the server', () => {
    expect(outside('engine', ['engine', 'domain', 'texts', 'config', 'city-file', 'logger', 'redact', 'process-exists'])).toEqual([]);
  });

  it('the core flows do not reach into a channel or the server', () => {
    expect(outside('core', ['core', 'domain', 'texts', 'config', 'logger', 'redact', 'metrics', 'db', 'engine', 'broadcast'])).toEqual([]);
  });

  it('broadcasting does not reach into channels, flows or the server', () => {
    expect(outside('broadcast', ['broadcast', 'domain', 'texts', 'config', 'logger', 'redact', 'db', 'engine', 'process-exists'])).toEqual(
      [],
    );
  });

  it('a channel adapter does not reach into another channel', () => {
    const crossing = [...graph].flatMap(([file, targets]) => {
      const own = /^channels\/(telegram|zalo)\//.exec(file)?.[1];
      return own
        ? targets.filter((t) => /^channels\/(telegram|zalo)\//.test(t) && !t.startsWith(`channels/${own}/`)).map((t) => `${file} → ${t}`)
        : [];
    });
    expect(crossing).toEqual([]);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components; any component of more than one file is a cycle.
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      indices.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!indices.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
      if (low.get(v) === indices.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!indices.has(v)) visit(v);
    expect(cycles).toEqual([]);
  });
});
