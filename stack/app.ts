/**
 * The `cdk` entry (cdk.json): settings from CDK context (the construct's prop names), one stack — or with
 * `regions`, one stack per region and the account-wide resources once (NotebookVpcGuardStacks) — cdk-nag's
 * AwsSolutions checks on every synth, and dist/conformance-pack.yaml (one per region, with several regions:
 * each has its region's remediation target) and dist/guardrails/ written next to cdk.out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ARTIFACTS } from './artifacts';
import type { NotebookVpcGuard } from './construct';
import { writeGuardrails } from './guardrails/index';
import { NotebookVpcGuardStacks } from './regions/stacks';
import { propsFromContext } from './settings/index';

const ROOT = join(import.meta.dirname, '..');
export const DIST_DIRECTORY = join(ROOT, 'dist');
export const CONFORMANCE_PACK_FILE = join(DIST_DIRECTORY, 'conformance-pack.yaml');
export const GUARDRAILS_DIRECTORY = join(DIST_DIRECTORY, 'guardrails');
export { DEFAULT_STACK_NAME } from './regions/stacks';

export interface CdkApp {
  readonly app: App;
  readonly stacks: NotebookVpcGuardStacks;
  /** The (first) region's stack and construct. */
  readonly stack: Stack;
  readonly guard: NotebookVpcGuard;
}

export function createApp(app: App = new App()): CdkApp {
  const stacks = new NotebookVpcGuardStacks(app, {
    ...propsFromContext(app.node),
    stackName: app.node.tryGetContext('stackName'),
    memberTemplateChecks: (memberApp) => [new AwsSolutionsChecks(memberApp)],
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const [first] = stacks.regional;
  if (!first) throw new Error('NotebookVpcGuardStacks made no regional stack');
  return { app, stacks, stack: first.stack, guard: first.guard };
}

/** dist/conformance-pack.yaml, or dist/conformance-pack.<region>.yaml for each of several regions. */
export function conformancePackFile(region: string | undefined, regions: number): string {
  return regions > 1 ? join(DIST_DIRECTORY, `conformance-pack.${region}.yaml`) : CONFORMANCE_PACK_FILE;
}

/**
 * A fresh clone has no dist/ yet: `npx cdk deploy` builds it instead of failing. (`npm run synth` always builds
 * first; after changing the code, run `npm run build` before deploying.)
 */
function buildMissingArtifacts(): void {
  const missing = Object.values(ARTIFACTS).filter((path) => !existsSync(join(ROOT, path)));
  if (missing.length === 0) return;
  console.error(`${missing.join(', ')} not built yet: running npm run build`);
  // The build's own output goes to stderr: the CDK CLI reads this process's stdout.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}

if (process.argv[1] === import.meta.filename) {
  buildMissingArtifacts();
  const { stacks } = createApp();
  mkdirSync(DIST_DIRECTORY, { recursive: true });
  for (const { region, guard } of stacks.regional) {
    writeFileSync(conformancePackFile(region, stacks.regional.length), guard.conformancePack.yaml);
  }
  writeGuardrails(GUARDRAILS_DIRECTORY, stacks.guardrails.settings);
}
