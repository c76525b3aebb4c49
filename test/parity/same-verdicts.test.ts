/**
 * One rule, same verdicts: every notebook of the example account (rule/examples/account.json, with its rule
 * parameters) expressed as a Config configuration item, a CloudFormation template (what `cdk synth` writes),
 * a Terraform plan (`terraform show -json` layout), a CloudFormation hook request and a CDK construct. Each
 * door reads it into the same Notebook view and the same network facts — the example account's EC2, served
 * offline to the real SDK clients — and gives the same verdict in the same words.
 *
 * The CDK aspect runs at synth, before any account is asked: for a check whose fact lives in the account it
 * says the check is left to the hook and the rule; every check it does decide matches the others' words.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { App, AspectPriority, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { describe, expect, it } from 'vitest';
import { createOfflineAws, type InventoryNotebook, toNotebookConfiguration } from '../../offline/index';
import { AccountSessions } from '../../rule/clients';
import { createHandler } from '../../rule/config/handler';
import { loadExampleAccount } from '../../rule/examples/index';
import { createHookHandler } from '../../rule/hook/handler';
import { parseRuleParameters } from '../../rule/parameters';
import { readPlannedFile } from '../../rule/scan/run';
import { scanPlannedFile } from '../../rule/scan/scan';
import { NotebookVpcGuardAspect } from '../../stack/aspect/index';
import { changeEvent, lambdaContext, notificationItem } from '../fixtures/events';
import { hookRequest } from '../fixtures/hook';
import { terraformPlan } from '../fixtures/terraform/plan';
import { exampleAccountNetwork } from '../rule/scan/support';
import { cdkProperties, cloudFormationProperties, logicalIdOf, terraformResource } from './express';

interface Outcome {
  readonly compliance: string;
  readonly annotation?: string;
}

const inventory = loadExampleAccount();
const parameters = parseRuleParameters(JSON.stringify(inventory.ruleParameters));
const silent = new Logger({ serviceName: 'parity', logLevel: 'SILENT' });
const names = inventory.notebooks.map((notebook) => notebook.NotebookInstanceName);

function offlineSessions() {
  const aws = createOfflineAws(loadExampleAccount());
  return { aws, sessions: new AccountSessions({ ...aws.clientConfig, maxAttempts: 1 }) };
}

/** Door 1: the Config rule's change path, with the item Config records, as far as PutEvaluations. */
async function viaConfigRule(): Promise<Map<string, Outcome>> {
  const { aws, sessions } = offlineSessions();
  const handler = createHandler({ sessions, logger: silent });
  for (const notebook of inventory.notebooks) {
    const item = {
      ...notificationItem(),
      resourceId: notebook.NotebookInstanceName,
      resourceName: notebook.NotebookInstanceName,
      ARN: notebook.NotebookInstanceArn,
      configurationItemStatus: 'OK',
      configuration: toNotebookConfiguration(notebook, notebook.NotebookInstanceArn),
      tags: Object.fromEntries((notebook.Tags ?? []).map(({ Key, Value }) => [Key, Value])),
    };
    await handler(changeEvent(item, { ruleParameters: inventory.ruleParameters ?? {} }), lambdaContext());
  }
  return new Map(
    aws.state
      .storedEvaluations()
      .map((stored) => [
        stored.resourceId,
        { compliance: stored.complianceType, ...(stored.annotation && { annotation: stored.annotation }) },
      ]),
  );
}

/** Door 2: the hook, one create request per notebook. */
async function viaHook(): Promise<Map<string, Outcome>> {
  const { sessions } = offlineSessions();
  const handler = createHookHandler({ sessions, parameters: () => parameters, logger: silent });
  const outcomes = new Map<string, Outcome>();
  for (const notebook of inventory.notebooks) {
    const answer = await handler(
      hookRequest(cloudFormationProperties(notebook), { logicalId: logicalIdOf(notebook) }),
      lambdaContext(),
    );
    outcomes.set(
      notebook.NotebookInstanceName,
      hookOutcome(answer.hookStatus, answer.errorCode, answer.message),
    );
  }
  return outcomes;
}

/** The hook's answer in the rule's terms: FAILED/NonCompliant carries the annotation, SUCCESS may carry the exemption. */
function hookOutcome(status: string, errorCode: string | undefined, message: string): Outcome {
  if (status === 'FAILED')
    return {
      compliance: errorCode === 'NonCompliant' ? 'NON_COMPLIANT' : `ERROR ${message}`,
      annotation: message,
    };
  return message.startsWith('Exempt:')
    ? { compliance: 'NOT_APPLICABLE', annotation: message }
    : { compliance: 'COMPLIANT' };
}

/** Doors 3 and 4: a CDK app with every notebook and the aspect; its synthesized template is door 3's input. */
function viaCdk() {
  const app = new App({
    outdir: join(tmpdir(), `vpc-guard-parity-${process.pid}`),
    analyticsReporting: false,
  });
  const stack = new Stack(app, 'MlPlatformNotebooks');
  const ids = new Map<string, string>();
  for (const notebook of inventory.notebooks) {
    const construct = new sagemaker.CfnNotebookInstance(
      stack,
      logicalIdOf(notebook),
      cdkProperties(notebook),
    );
    ids.set(notebook.NotebookInstanceName, construct.node.path);
  }
  Aspects.of(app).add(new NotebookVpcGuardAspect(parameters), { priority: AspectPriority.READONLY });
  const assembly = app.synth();
  const annotations = Annotations.fromStack(stack);
  const messages = (kind: 'findError' | 'findInfo', path: string) =>
    annotations[kind](path, Match.anyValue()).map((message) => String(message.entry.data));
  const aspect = new Map(
    inventory.notebooks.map((notebook) => {
      const path = `/${ids.get(notebook.NotebookInstanceName)}`;
      return [
        notebook.NotebookInstanceName,
        { errors: messages('findError', path), infos: messages('findInfo', path) },
      ];
    }),
  );
  return {
    aspect,
    templateFile: join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile),
  };
}

/** Doors 3 and 5: a file scan with the facts outside the file looked up (--live, here the example account). */
async function viaFileScan(kind: 'template' | 'terraform-plan', file: string): Promise<Map<string, Outcome>> {
  const scan = await scanPlannedFile(await readPlannedFile(kind, file), parameters, exampleAccountNetwork());
  return new Map(
    scan.notebooks.map((notebook) => [
      notebook.name,
      notebook.error || notebook.unevaluated.length > 0
        ? { compliance: `NOT EVALUATED ${notebook.error ?? JSON.stringify(notebook.unevaluated)}` }
        : {
            compliance: notebook.compliance ?? 'none',
            ...(notebook.annotation && { annotation: notebook.annotation }),
          },
    ]),
  );
}

function planFile(notebooks: readonly InventoryNotebook[]): string {
  const plan = terraformPlan(notebooks.map(terraformResource), {
    format_version: '1.2',
    terraform_version: '1.9.8',
    resource_changes: [],
    configuration: { root_module: {} },
  });
  const file = join(tmpdir(), `vpc-guard-parity-${process.pid}.plan.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

describe('one rule, same verdicts at every door', async () => {
  const configRule = await viaConfigRule();
  const cdk = viaCdk();
  const doors = {
    'CloudFormation hook': await viaHook(),
    'template scan (cdk synth output)': await viaFileScan('template', cdk.templateFile),
    'Terraform plan scan': await viaFileScan('terraform-plan', planFile(inventory.notebooks)),
  };

  it('the Config rule gives each example notebook the verdict the example expects', () => {
    expect(names.map((name) => configRule.get(name)?.compliance)).toEqual(
      inventory.notebooks.map((notebook) => notebook.expectedCompliance),
    );
  });

  it.each(Object.keys(doors))(
    '%s: the same verdict and annotation as the Config rule, notebook by notebook',
    (door) => {
      const outcomes = doors[door as keyof typeof doors];
      for (const name of names)
        expect({ name, ...outcomes.get(name) }).toEqual({ name, ...configRule.get(name) });
    },
  );

  it('the synthesized template really is `cdk synth` output for the notebooks', () => {
    const template = JSON.parse(readFileSync(cdk.templateFile, 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type === 'AWS::SageMaker::NotebookInstance')).toHaveLength(names.length);
  });

  it('CDK aspect: an error with the rule’s words for every check it decides, the rest left to the hook and the rule', () => {
    for (const name of names) {
      const expected = configRule.get(name);
      const { errors, infos } = cdk.aspect.get(name) ?? { errors: [], infos: [] };
      const left = infos.map((info) => /\] (S\d+) /.exec(info)?.[1]);
      const [error] = errors;
      if (expected?.compliance !== 'NON_COMPLIANT') {
        expect({ name, errors }).toEqual({ name, errors: [] });
        continue;
      }
      const expectedParts = expected.annotation?.split('; ') ?? [];
      if (left.length === 0) {
        // Everything decided at synth: exactly the rule's annotation.
        expect({ name, error: error?.replace(/ \(failed checks: .*\)$/, '') }).toEqual({
          name,
          error: `[sagemaker-notebook-vpc-guard] ${expected.annotation}`,
        });
        continue;
      }
      // Some checks need the account: what the aspect reports is a part of the rule's annotation, word for word.
      const reported =
        error
          ?.replace(/^\[sagemaker-notebook-vpc-guard\] /, '')
          .replace(/ \(failed checks: .*\)$/, '')
          .split('; ') ?? [];
      for (const part of reported)
        expect({ name, part, in: expectedParts.includes(part) }).toEqual({ name, part, in: true });
      expect({ name, decidedOrLeft: reported.length + left.length >= expectedParts.length }).toEqual({
        name,
        decidedOrLeft: true,
      });
    }
  });
});
