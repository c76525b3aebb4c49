/**
 * The published package, as a user gets it: `npm pack` (what `npm publish` uploads), installed into a CDK app in
 * a temporary directory outside the repository, next to only what the package declares — its dependencies and
 * peer dependencies, linked from this project's node_modules (offline) — so the package itself can reach nothing
 * else of this repository (esbuild, tsx, the sources). The README's example is that app:
 * it is type-checked against the shipped declarations, run from ESM and from CommonJS (`require`), and its
 * template must deploy the rule, the runbook and the Lambda code exactly as `npm run build` wrote them.
 * Needs `npm run build` first (`npm test` runs it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_DOCUMENT_NAME_DEFAULT } from '../../remediation/documents';
import { LAZY_MODULES } from '../../rule/build';
import { onlyResource, resourcesOfType, runbookDocuments, type TemplateJson } from '../stack/support';

const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGE = 'sagemaker-notebook-vpc-guard';
const STACK = 'NotebookGovernance';

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

interface Manifest {
  readonly private?: boolean;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly bin: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly scripts: Record<string, string>;
}

/** The TypeScript block of a README section, found by its heading. */
function readmeExample(readme: string, heading: string): string {
  const section = readme.split(/^## /m).find((part) => part.startsWith(heading));
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error(`no \`\`\`ts block under "## ${heading}"`);
  return code;
}

const EXAMPLE_HEADING = 'Use the construct in your CDK app';
const example = readmeExample(readFileSync(join(ROOT, 'README.md'), 'utf8'), EXAMPLE_HEADING);

/** The same app written for CommonJS: its imports as require calls. */
function asCommonJs(source: string): string {
  return source.replace(
    /^import \{([^}]*)\} from '([^']+)';$/gm,
    (_line, names: string, from: string) => `const {${names}} = require('${from}');`,
  );
}

/** Bare specifiers of import/export statements and of import() (declarations use those for inferred types). */
const BARE_IMPORT =
  /^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'".][^'"]*)['"]|\bimport\(\s*['"]([^'".][^'"]*)['"]\s*\)/gm;

let pack: PackResult;
let manifest: Manifest;
let app: string;
let installed: string;

/** Runs a file of the app as the CDK CLI would (CDK_OUTDIR: where the cloud assembly goes). */
function runApp(file: string, outdir: string): void {
  const { CDK_CONTEXT_JSON: _context, ...env } = process.env;
  execFileSync(process.execPath, [file], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, CDK_OUTDIR: join(app, outdir) },
  });
}

function link(name: string): void {
  const target = join(app, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', name), target, 'dir');
}

/** The staged folder of a Lambda's code: the asset manifest's source of the object its S3Key names. */
function assetDirectory(outdir: string, lambdaFunction: Record<string, unknown>): string {
  const key = (lambdaFunction.Code as { S3Key?: string }).S3Key ?? '';
  const manifest = JSON.parse(readFileSync(join(app, outdir, `${STACK}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const source = manifest.files[key.replace(/\.zip$/, '')]?.source.path;
  if (!source) throw new Error(`no asset for ${key}`);
  return join(app, outdir, source);
}

function template(outdir: string): TemplateJson {
  return JSON.parse(readFileSync(join(app, outdir, `${STACK}.template.json`), 'utf8')) as TemplateJson;
}

beforeAll(() => {
  const destination = mkdtempSync(join(tmpdir(), 'vpc-guard-pack-'));
  // The build ran before the tests (npm test); prepack would rebuild dist/ under the other test files' feet.
  const output = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', destination],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  [pack] = JSON.parse(output) as [PackResult];
  app = mkdtempSync(join(tmpdir(), 'vpc-guard-consumer-'));
  installed = join(app, 'node_modules', PACKAGE);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(destination, pack.filename), '-C', installed, '--strip-components=1']);
  manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Manifest;
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) link(name);
  // What a CDK app has of its own: the Node types, for the type check.
  link('@types/node');
  const [[command, target] = []] = Object.entries(manifest.bin);
  mkdirSync(join(app, 'node_modules', '.bin'));
  symlinkSync(join('..', PACKAGE, target ?? ''), join(app, 'node_modules', '.bin', command ?? ''));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // TypeScript: the example as an ES module and as a CommonJS module (whose imports compile to require).
  writeFileSync(join(app, 'app.mts'), example);
  writeFileSync(join(app, 'app.cts'), example);
  // JavaScript, as it runs: the example has no type annotations, so it is JavaScript as it stands.
  writeFileSync(join(app, 'app.mjs'), example);
  writeFileSync(join(app, 'app.cjs'), asCommonJs(example));
}, 120_000);

describe('npm pack', () => {
  it('is publishable (not private), about a third of a megabyte', () => {
    expect(manifest.private).toBeUndefined();
    expect(pack.size).toBeLessThan(1_000_000);
  });

  it('holds only what a consumer needs: compiled library, prebuilt bundles, runbook, READMEs, licence', () => {
    const paths = pack.files.map((file) => file.path);
    const allowed = [
      /^package\.json$/,
      /^README(?:\.ja)?\.md$/,
      /^LICENSE$/,
      /^dist\/lib\/.+\.(?:js|d\.ts)$/,
      /^dist\/(?:rule|hook|cli)\/(?:index\.js|package\.json)$/,
      // The Lambdas' lazily loaded modules.
      new RegExp(`^dist/(?:rule|hook)/(?:${Object.keys(LAZY_MODULES).join('|').replaceAll('.', '\\.')})$`),
      /^dist\/remediation\/runbook(?:-check)?\.json$/,
    ];
    expect(paths.filter((path) => !allowed.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/rule/index.js',
        'dist/hook/index.js',
        'dist/remediation/runbook.json',
        'LICENSE',
      ]),
    );
    // The library never loads what only builds it: the runbook's sources and the bundler's entry points.
    for (const source of [
      'remediation/runbook',
      'remediation/scripts',
      'rule/build',
      'stack/app',
      'stack/build',
    ]) {
      expect(paths).not.toContain(`dist/lib/${source}.js`);
    }
  });

  it('ships every file its exports map and bin name', () => {
    const targets = [
      ...Object.values(manifest.exports).flatMap((entry) =>
        typeof entry === 'string' ? [entry] : Object.values(entry),
      ),
      ...Object.values(manifest.bin),
    ].map((target) => target.replace(/^\.\//, ''));
    expect(targets.filter((target) => !pack.files.some((file) => file.path === target))).toEqual([]);
  });

  it('ships the bundles and the runbook exactly as built', () => {
    for (const file of [
      'dist/rule/index.js',
      'dist/hook/index.js',
      ...Object.keys(LAZY_MODULES).flatMap((lazy) => [`dist/rule/${lazy}`, `dist/hook/${lazy}`]),
      'dist/cli/index.js',
      'dist/remediation/runbook.json',
      'dist/remediation/runbook-check.json',
    ]) {
      expect(readFileSync(join(installed, file)).equals(readFileSync(join(ROOT, file)))).toBe(true);
    }
  });

  it('imports, at run time and in its types, only Node built-ins, its dependencies and its peer dependencies', () => {
    const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
    const library = join(installed, 'dist', 'lib');
    const undeclared = readdirSync(library, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(?:js|d\.ts)$/.test(file))
      .flatMap((file) =>
        [...readFileSync(join(library, file), 'utf8').matchAll(BARE_IMPORT)]
          .map(([, from, dynamic]) => from ?? dynamic ?? '')
          .filter((specifier) => !specifier.startsWith('node:'))
          .map((specifier) =>
            specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/'),
          )
          .filter((name) => !declared.has(name))
          .map((name) => `${file}: ${name}`),
      );
    expect(undeclared).toEqual([]);
    expect([...declared].sort()).toEqual(['aws-cdk-lib', 'constructs', 'yaml']);
  });

  it('builds what it ships before it is packed or published', () => {
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(manifest.scripts.build).toContain('stack/build.ts');
  });
});

describe('the README example in a CDK app outside the repository', () => {
  it('type-checks against the shipped declarations, as ESM and as CommonJS (module nodenext)', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['app.mts', 'app.cts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', app], { encoding: 'utf8' })).not.toThrow();
  });

  it.each([
    ['ESM', 'app.mjs'],
    ['CommonJS (require)', 'app.cjs'],
  ])('synthesizes from %s: the rule, the runbook as built, the Lambda code byte for byte', (_name, file) => {
    const outdir = `cdk.out-${file}`;
    runApp(file, outdir);
    const json = template(outdir);
    const [functionId] = onlyResource(json, 'AWS::Lambda::Function');
    const [, rule] = onlyResource(json, 'AWS::Config::ConfigRule');
    expect(rule.Source).toMatchObject({
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
    expect(resourcesOfType(json, 'AWS::Config::RemediationConfiguration')).toHaveLength(1);
    // As built, but for what the stack writes in: the check document's name, the deployment's settings.
    const { runbook, check } = runbookDocuments(json);
    const asBuilt = (name: string) => readFileSync(join(ROOT, 'dist', 'remediation', name), 'utf8');
    expect(
      JSON.stringify(runbook[1].Content).replaceAll(
        `{"Ref":"${check[0]}"}`,
        `"${CHECK_DOCUMENT_NAME_DEFAULT}"`,
      ),
    ).toBe(asBuilt('runbook.json'));
    const checkContent = check[1].Content as {
      mainSteps: { inputs: { InputPayload: { Settings: unknown } } }[];
    };
    for (const step of checkContent.mainSteps) step.inputs.InputPayload.Settings = '{}';
    expect(JSON.stringify(checkContent)).toBe(asBuilt('runbook-check.json'));
    const asset = assetDirectory(outdir, json.Resources[functionId]?.Properties ?? {});
    expect(
      readFileSync(join(asset, 'index.js')).equals(readFileSync(join(ROOT, 'dist', 'rule', 'index.js'))),
    ).toBe(true);
  });

  it('runs the CLI as `sagemaker-notebook-vpc-guard` on the bundled example account', () => {
    const output = execFileSync(join(app, 'node_modules', '.bin', PACKAGE), ['--output', 'json'], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const report = JSON.parse(output) as { summary: { notebooks: number; errors: number } };
    expect(report.summary).toMatchObject({ notebooks: 13, errors: 0 });
  });

  it('README.ja.md shows the same example', () => {
    expect(
      readmeExample(readFileSync(join(ROOT, 'README.ja.md'), 'utf8'), 'CDK アプリでコンストラクトを使う'),
    ).toBe(example);
  });
});
