/**
 * The `cdk` entry (cdk.json): settings from CDK context (the construct's prop names), one stack, cdk-nag's
 * AwsSolutions checks on every synth, and dist/conformance-pack.yaml and dist/guardrails/ written next to
 * cdk.out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NotebookVpcGuard } from './construct';
import { writeGuardrails } from './guardrails/index';
import { propsFromContext } from './settings/index';

export const DIST_DIRECTORY = join(import.meta.dirname, '..', 'dist');
export const CONFORMANCE_PACK_FILE = join(DIST_DIRECTORY, 'conformance-pack.yaml');
export const GUARDRAILS_DIRECTORY = join(DIST_DIRECTORY, 'guardrails');
export const DEFAULT_STACK_NAME = 'SageMakerNotebookVpcGuard';

export function createApp(app: App = new App()): { app: App; stack: Stack; guard: NotebookVpcGuard } {
  const stackName = app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME;
  const stack = new Stack(app, stackName, {
    description: 'sagemaker-notebook-vpc-guard: keeps SageMaker notebook instances in a customer VPC',
  });
  const guard = new NotebookVpcGuard(stack, 'Guard', {
    ...propsFromContext(app.node),
    memberTemplateChecks: (memberApp) => [new AwsSolutionsChecks(memberApp)],
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, guard };
}

if (process.argv[1] === import.meta.filename) {
  const { guard } = createApp();
  mkdirSync(DIST_DIRECTORY, { recursive: true });
  writeFileSync(CONFORMANCE_PACK_FILE, guard.conformancePack.yaml);
  writeGuardrails(GUARDRAILS_DIRECTORY, guard.settings.guardrails.settings);
}
