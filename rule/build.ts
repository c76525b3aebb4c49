/**
 * Bundles the rule Lambda into one CommonJS file, dist/rule/index.js, with the AWS SDK inside — the CloudFormation
 * hook Lambda the same way into dist/hook/index.js, and the CLI into dist/cli/index.js (the package's `sagemaker-notebook-vpc-guard` command), with the offline
 * example account inside, so neither needs anything installed at run time.
 * - `mainFields: ['module', 'main']` takes the SDK's ES modules, which tree-shake.
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

export const RULE_BUILD_OPTIONS: BuildOptions = {
  entryPoints: [RULE_ENTRY],
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

/**
 * The CLI: the rule's build with another entry, run as a command (`#!`). Its entry check compares the script
 * Node runs with `import.meta.filename`, which a CommonJS bundle spells `__filename`.
 */
export const CLI_BUILD_OPTIONS: BuildOptions = {
  ...RULE_BUILD_OPTIONS,
  entryPoints: [CLI_ENTRY],
  banner: { js: '#!/usr/bin/env node' },
  define: { 'import.meta.filename': '__filename' },
};

export async function buildRule(outfile = RULE_BUNDLE, overrides: BuildOptions = {}): Promise<void> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({ ...RULE_BUILD_OPTIONS, outfile, ...overrides });
  // The project is ESM; this marks the bundle's folder as CommonJS so Node loads it as Lambda does.
  writeFileSync(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
}

/** The hook Lambda: the rule's build with the hook's entry. */
export async function buildHook(outfile = HOOK_BUNDLE): Promise<void> {
  await buildRule(outfile, { entryPoints: [HOOK_ENTRY] });
}

export async function buildCli(outfile = CLI_BUNDLE): Promise<void> {
  await buildRule(outfile, CLI_BUILD_OPTIONS);
  chmodSync(outfile, 0o755);
}

if (process.argv[1] === import.meta.filename) {
  await buildRule();
  await buildHook();
  await buildCli();
  console.log(`wrote ${RULE_BUNDLE}, ${HOOK_BUNDLE} and ${CLI_BUNDLE}`);
}
