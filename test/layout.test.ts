/**
 * The layout's promises, checked on the real import graph (esbuild's metafile: the imports that exist at run
 * time): no import circles, and nothing imports "upward" — the rule's core and the runbook know nothing of the
 * deployment, and no shipped code knows the tests.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SOURCE_FOLDERS = ['rule', 'offline', 'remediation', 'stack', 'test'];

/** What each folder must never import (folder prefixes, relative to the repository). */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  'rule/': ['stack/', 'remediation/', 'test/'],
  'offline/': ['stack/', 'remediation/', 'test/'],
  'remediation/': ['stack/', 'rule/', 'offline/', 'test/'],
  'stack/': ['offline/', 'test/'],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(ROOT, folder, file));
}

/** Project file → the project files it imports (packages left out). */
async function importGraph(): Promise<Map<string, string[]>> {
  const result = await build({
    entryPoints: SOURCE_FOLDERS.flatMap(sourceFiles),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: join(ROOT, '.layout-check'),
    logLevel: 'silent',
    loader: { '.py': 'text', '.sh': 'text' },
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    graph.set(
      file,
      input.imports.filter((entry) => !entry.external).map((entry) => entry.path),
    );
  }
  return graph;
}

function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('layout', () => {
  let graph: Map<string, string[]>;
  beforeAll(async () => {
    graph = await importGraph();
  });

  it('reads the graph of every source folder', () => {
    const files = [...graph.keys()].map((file) => relative(ROOT, join(ROOT, file)));
    for (const folder of SOURCE_FOLDERS)
      expect(files.some((file) => file.startsWith(`${folder}/`))).toBe(true);
    expect(graph.get('rule/config/handler.ts')).toContain('rule/config/change.ts');
  });

  it('has no import circles', () => {
    expect(cycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('finds a circle when there is one (the check itself works)', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('nothing imports upward', () => {
    const violations = [...graph].flatMap(([file, imports]) => {
      const forbidden = Object.entries(FORBIDDEN).find(([folder]) => file.startsWith(folder))?.[1] ?? [];
      return imports
        .filter((target) => forbidden.some((folder) => target.startsWith(folder)))
        .map((target) => `${file} -> ${target}`);
    });
    expect(violations).toEqual([]);
  });

  it('the construct library (stack/index.ts, what the package exports) reaches no source the build turns into an artifact', () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of graph.get(file) ?? []) visit(next);
    };
    visit('stack/index.ts');
    expect(reached.size).toBeGreaterThan(10);
    // The runbook is deployed as built (dist/remediation/runbook.json), the Lambdas as bundled (dist/rule,
    // dist/hook): their sources, the bundler, the CLI's file scans and output, and the repository's own CDK app
    // are not shipped and must never be loaded.
    const buildOnly =
      /^(?:remediation\/(?:runbook|check-document|scripts|steps-[\w-]+|build|index)\.ts|rule\/(?:build|cli|config\/.+|hook\/.+|scan\/(?:run|sarif|output))\.ts|stack\/(?:app|build)\.ts|offline\/)/;
    expect([...reached].filter((file) => buildOnly.test(file))).toEqual([]);
  });
});
