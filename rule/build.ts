/**
 * Bundles the rule Lambda into CommonJS, dist/rule/index.js, with the AWS SDK inside — the CloudFormation hook
 * Lambda the same way into dist/hook/index.js, and the CLI into one file, dist/cli/index.js (the package's
 * `sagemaker-notebook-vpc-guard` command), with the offline example account inside, so none needs anything
 * installed at run time.
 * - `mainFields: ['module', 'main']` takes the SDK's ES modules, which tree-shake.
 * - A Lambda's start parses only what invocations need. What only rare ones need is bundled on its own next to
 *   index.js and loaded on first use (LAZY_MODULES): STS (organization mode) and the SDK's default credential
 *   chain (no credentials in the environment: sdk/lambda-credentials.ts stands in for
 *   @aws-sdk/credential-provider-node). A lazy bundle carries its own copy of the SDK's core: Security Hub stays
 *   in index.js, as a sweep that imports findings would otherwise hold that copy too (BENCHMARKS.md, "Load").
 * - The SDK's per-service schema files write some keys as computed properties (`{ [_xN]: ... }` with
 *   `const _xN = "xmlName"`). esbuild cannot prove a computed key side-effect free, so it keeps every schema
 *   of a file that has them: all ~3,400 EC2 shapes. Inlining those constant keys lets it drop the unused
 *   ones (the bundle goes from ~945 KB to ~400 KB; see BENCHMARKS.md). If a future SDK changes the pattern,
 *   nothing is inlined and the bundle is only bigger; the wire-level integration test checks the result.
 * - Security Hub's ResourceDetails can describe ~100 kinds of resources, each a tree of schemas; the rule
 *   sends a notebook's only. Keeping the others out of its member list lets esbuild drop ~100 KB that no call
 *   of the rule serializes. Done only when the definition has the expected shape; otherwise left as it is.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

export const RULE_ENTRY = join(import.meta.dirname, 'config', 'handler.ts');
export const RULE_BUNDLE = join(import.meta.dirname, '..', 'dist', 'rule', 'index.js');
export const HOOK_ENTRY = join(import.meta.dirname, 'hook', 'handler.ts');
export const HOOK_BUNDLE = join(import.meta.dirname, '..', 'dist', 'hook', 'index.js');
export const CLI_ENTRY = join(import.meta.dirname, 'cli.ts');
export const CLI_BUNDLE = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');

/** Lazily loaded modules of the Lambdas: the file each is bundled into (next to index.js) → its source. */
export const LAZY_MODULES: Readonly<Record<string, string>> = {
  'member-credentials.js': join(import.meta.dirname, 'sdk', 'member-credentials.ts'),
  'credential-chain.js': join(import.meta.dirname, 'sdk', 'credential-chain.ts'),
  'event-streams.js': join(import.meta.dirname, 'sdk', 'event-streams.ts'),
};
/** Packages the SDK imports dynamically → the lazy module that stands for them. */
const LAZY_PACKAGES: Readonly<Record<string, string>> = { '@smithy/core/event-streams': 'event-streams.js' };
const CREDENTIAL_CHAIN = 'credential-chain.js';
const LAMBDA_CREDENTIALS = join(import.meta.dirname, 'sdk', 'lambda-credentials.ts');

const SDK_SCHEMA_FILE = /@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const SECURITY_HUB_SCHEMA_FILE = /@aws-sdk[\\/]client-securityhub[\\/]/;
/** The one ResourceDetails member the rule's findings carry (rule/asff/finding.ts). */
const NOTEBOOK_DETAILS_SCHEMA = '() => AwsSageMakerNotebookInstanceDetails$';

export const inlineConstantSchemaKeys: Plugin = {
  name: 'inline-constant-schema-keys',
  setup(builder) {
    builder.onLoad({ filter: SDK_SCHEMA_FILE }, async ({ path }) => {
      const source = inlineConstantKeys(await readFile(path, 'utf8'));
      const contents = SECURITY_HUB_SCHEMA_FILE.test(path) ? keepOnlyNotebookResourceDetails(source) : source;
      return { contents, loader: 'js' };
    });
  },
};

/** Replaces `[_name]:` with `"value":` where the module declares `const _name = "value";`. */
export function inlineConstantKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) {
    if (name && literal) constants.set(name, literal);
  }
  return source.replace(/\[(_\w+)\]:/g, (key, name: string) => {
    const literal = constants.get(name);
    return literal ? `${literal}:` : key;
  });
}

/**
 * `ResourceDetails$ = [3, n0, _name, 0, [member names], [member schemas]]` → only the notebook's member.
 * Unchanged when the definition or that member is not found, or the lists do not pair up.
 */
export function keepOnlyNotebookResourceDetails(source: string): string {
  const definition =
    /^(export (?:var|const) ResourceDetails\$ = \[3, n0, _\w+,\s*0,\s*)\[([^\]\n]*)\],\s*\[([^\n]*)\]\s*\];$/m;
  return source.replace(definition, (whole, head: string, names: string, schemas: string) => {
    const nameList = names.split(',').map((name) => name.trim());
    const schemaList = schemas.split(',').map((schema) => schema.trim());
    const index = schemaList.indexOf(NOTEBOOK_DETAILS_SCHEMA);
    if (index === -1 || nameList.length !== schemaList.length) return whole;
    return `${head}[${nameList[index]}],\n    [${NOTEBOOK_DETAILS_SCHEMA}]\n];`;
  });
}

/** A dynamic import of a lazy module (or a package one stands for) stays a dynamic import, of its file. */
export const lazyModulesApart: Plugin = {
  name: 'lazy-modules-apart',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, ({ kind, path, resolveDir }) => {
      if (kind !== 'dynamic-import') return undefined;
      const source = `${join(resolveDir, path)}.ts`;
      const file =
        LAZY_PACKAGES[path] ?? Object.keys(LAZY_MODULES).find((name) => LAZY_MODULES[name] === source);
      return file ? { path: `./${file}`, external: true } : undefined;
    });
  },
};

/** What every bundle shares: one CommonJS file per entry, the SDK's ES modules, minified. */
const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [inlineConstantSchemaKeys],
};

/** A Lambda's bundle: its lazy modules apart, credentials from the environment first. */
export const RULE_BUILD_OPTIONS: BuildOptions = {
  ...BUNDLE_OPTIONS,
  entryPoints: [RULE_ENTRY],
  plugins: [inlineConstantSchemaKeys, lazyModulesApart],
  alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS },
};

/**
 * The CLI: one file with another entry, run as a command (`#!`) with the SDK's whole credential chain (profiles).
 * Its entry check compares the script Node runs with `import.meta.filename`, which CommonJS spells `__filename`.
 */
export const CLI_BUILD_OPTIONS: BuildOptions = {
  ...BUNDLE_OPTIONS,
  entryPoints: [CLI_ENTRY],
  banner: { js: '#!/usr/bin/env node' },
  define: { 'import.meta.filename': '__filename' },
};

/**
 * Builds a Lambda (the rule by default) into `outfile`, then each lazy module it refers to into the same folder
 * — the lazy modules those refer to as well. `overrides` apply to every one of these builds.
 */
export async function buildRule(outfile = RULE_BUNDLE, overrides: BuildOptions = {}): Promise<void> {
  const directory = dirname(outfile);
  mkdirSync(directory, { recursive: true });
  const pending = await lazyModulesOf(
    build({ ...RULE_BUILD_OPTIONS, outfile, ...overrides, metafile: true }),
  );
  const built = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (built.has(file)) continue;
    built.add(file);
    const { alias, ...lambda } = RULE_BUILD_OPTIONS;
    // The credential chain is the real one: the stand-in that loads it is left out of its own bundle.
    const options = file === CREDENTIAL_CHAIN ? lambda : { ...lambda, alias };
    const source = LAZY_MODULES[file] as string;
    const output = build({
      ...options,
      ...overrides,
      entryPoints: [source],
      outfile: join(directory, file),
      metafile: true,
    });
    pending.push(...(await lazyModulesOf(output)));
  }
  // The project is ESM; this marks the bundle's folder as CommonJS so Node loads it as Lambda does.
  writeFileSync(join(directory, 'package.json'), '{ "type": "commonjs" }\n');
}

/** The lazy modules a build's output loads (its dynamic imports of LAZY_MODULES files). */
async function lazyModulesOf(output: ReturnType<typeof build>): Promise<string[]> {
  const { metafile } = await output;
  return Object.values(metafile?.outputs ?? {}).flatMap((file) =>
    file.imports.flatMap(({ path, kind, external }) =>
      kind === 'dynamic-import' && external && path.slice(2) in LAZY_MODULES ? [path.slice(2)] : [],
    ),
  );
}

/** The hook Lambda: the rule's build with the hook's entry. */
export async function buildHook(outfile = HOOK_BUNDLE): Promise<void> {
  await buildRule(outfile, { entryPoints: [HOOK_ENTRY] });
}

export async function buildCli(outfile = CLI_BUNDLE): Promise<void> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({ ...CLI_BUILD_OPTIONS, outfile });
  writeFileSync(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
  chmodSync(outfile, 0o755);
}

if (process.argv[1] === import.meta.filename) {
  await buildRule();
  await buildHook();
  await buildCli();
  console.log(`wrote ${RULE_BUNDLE}, ${HOOK_BUNDLE} and ${CLI_BUNDLE}`);
}
