/**
 * `npm run build`, last step: the construct library the package ships, dist/lib/ — ES modules and .d.ts that
 * tsc compiles from stack/index.ts and everything it imports (tsconfig.lib.json). The sources import without
 * file extensions (bundler resolution), which Node's ES module loader does not accept, so every relative
 * specifier is then rewritten to the emitted file it resolves to: `./construct` → `./construct.js`,
 * `./settings/index` stays explicit as `./settings/index.js`. A specifier that resolves to nothing fails the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
export const LIBRARY_DIRECTORY = join(ROOT, 'dist', 'lib');
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

/** `from '…'`, `import '…'`, `import('…')` and `export … from '…'` with a relative specifier. */
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;

export function withExtension(specifier: string, fromFile: string): string {
  if (/\.(?:js|json)$/.test(specifier)) return specifier;
  const base = join(dirname(fromFile), specifier);
  for (const candidate of ['.js', '/index.js']) {
    if (existsSync(`${base}${candidate}`)) return `${specifier}${candidate}`;
  }
  throw new Error(`${fromFile}: ${specifier} resolves to no emitted file`);
}

export function rewriteSpecifiers(directory: string): number {
  let files = 0;
  for (const relative of readdirSync(directory, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(?:js|d\.ts)$/.test(relative)) continue;
    const file = join(directory, relative);
    // A declaration's specifiers name the .js file its types describe, as in the JavaScript.
    const emitted = file.replace(/\.d\.ts$/, '.js');
    const source = readFileSync(file, 'utf8');
    const rewritten = source.replace(
      RELATIVE_SPECIFIER,
      (_match, lead: string, quote: string, specifier: string) =>
        `${lead}${quote}${withExtension(specifier, emitted)}${quote}`,
    );
    if (rewritten !== source) writeFileSync(file, rewritten);
    files += 1;
  }
  return files;
}

if (process.argv[1] === import.meta.filename) {
  rmSync(LIBRARY_DIRECTORY, { recursive: true, force: true });
  execFileSync(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.lib.json')], { stdio: 'inherit' });
  const files = rewriteSpecifiers(LIBRARY_DIRECTORY);
  console.log(`Wrote dist/lib/ (${files} files: the construct library, ES modules and declarations)`);
}
