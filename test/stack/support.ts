/**
 * Shared by the stack tests: settings for each deployment mode and one synthesized app per mode. Synth is
 * slow on two cores, so a test file synthesizes each mode once. The Lambda's code is the prebuilt bundle
 * (dist/rule, from `npm run build`): nothing is bundled at synth.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NotebookVpcGuard } from '../../stack/construct';
import { NotebookVpcGuardStacks, type NotebookVpcGuardStacksProps } from '../../stack/regions/stacks';
import type { NotebookVpcGuardProps } from '../../stack/settings/index';

export const SUBNET = 'subnet-0aa11bb22cc33dd44';
export const SECURITY_GROUPS = ['sg-0d1e2f3a4b5c6d7e8', 'sg-0a1b2c3d'];
export const KMS_KEY = 'arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const ROOT_OU = 'r-a1b2';

export const TARGET: NotebookVpcGuardProps = {
  remediationSubnetId: SUBNET,
  remediationSecurityGroupIds: SECURITY_GROUPS,
};

/** The settings of each mode the tests cover. */
export const MODES = {
  /** `npm run synth` with no context at all. */
  noContext: {},
  /** Single account with a remediation target (manual remediation, Security Hub action). */
  singleAccount: { ...TARGET, notebookKmsKeyArns: [KMS_KEY] },
  automatic: {
    ...TARGET,
    automaticRemediation: true,
    backupBucket: 'existing-backups-bucket',
    allowedNotebookRoles: ['arn:aws:iam::111122223333:role/team/Notebook*', 'FixedNotebookRole'],
  },
  conformancePack: { ...TARGET, deployment: 'conformance-pack' },
  organization: {
    ...TARGET,
    deployment: 'organization',
    organization: { organizationId: ORGANIZATION_ID, targetOrganizationalUnitIds: [ROOT_OU] },
  },
  organizationPack: {
    deployment: 'organization',
    organization: {
      organizationId: ORGANIZATION_ID,
      targetOrganizationalUnitIds: [ROOT_OU],
      coverage: 'organization-conformance-pack',
      memberAccountIds: ['111122223333', '444455556666'],
    },
  },
  /** Guardrails deployed: the managed policy attached to a role (single account)… */
  guardrailsSingleAccount: {
    ...TARGET,
    ruleParameters: { subnetIds: [SUBNET] },
    guardrailManagedPolicy: true,
    guardrailManagedPolicyRoles: ['DataScientist'],
  },
  /** The CloudFormation hook, failing non-compliant notebook deployments (single account)… */
  cloudFormationHook: { ...TARGET, cloudFormationHook: 'fail', ruleParameters: { forbidOpenIngress: true } },
  /** …and warning about them in every member account (organization). */
  organizationHook: {
    deployment: 'organization',
    organization: { organizationId: ORGANIZATION_ID, targetOrganizationalUnitIds: [ROOT_OU] },
    cloudFormationHook: 'warn',
  },
  /** …and the SCP attached to an OU (organization). */
  guardrailsOrganization: {
    deployment: 'organization',
    organization: { organizationId: ORGANIZATION_ID, targetOrganizationalUnitIds: [ROOT_OU] },
    guardrailScpTargetIds: ['ou-a1b2-c3d4e5f6'],
  },
} as const satisfies Record<string, NotebookVpcGuardProps>;

export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly guard: NotebookVpcGuard;
  readonly template: Template;
  /** The template as plain JSON, for walking. */
  readonly json: TemplateJson;
}

export interface TemplateJson {
  readonly Resources: Readonly<
    Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>
  >;
  readonly Outputs?: Readonly<Record<string, unknown>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
}

export function synthesize(props: NotebookVpcGuardProps): Synthesized {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const stack = new Stack(app, 'Test');
  const guard = new NotebookVpcGuard(stack, 'Guard', props);
  const template = Template.fromStack(stack);
  return { app, stack, guard, template, json: template.toJSON() as TemplateJson };
}

export interface SynthesizedStacks {
  readonly app: App;
  readonly stacks: NotebookVpcGuardStacks;
  /** Every stack's template, by stack name. */
  readonly templates: ReadonlyMap<string, TemplateJson>;
}

/** An app of NotebookVpcGuardStacks (several regions), synthesized once. */
export function synthesizeStacks(props: NotebookVpcGuardStacksProps): SynthesizedStacks {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const stacks = new NotebookVpcGuardStacks(app, props);
  const assembly = app.synth();
  const templates = new Map(
    assembly.stacks.map((stack) => [stack.stackName, stack.template as TemplateJson]),
  );
  return { app, stacks, templates };
}

/** Resources of one type, as [logical id, properties]. */
export function resourcesOfType(json: TemplateJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.Resources).flatMap(([id, resource]) =>
    resource.Type === type ? [[id, resource.Properties ?? {}] as [string, Record<string, unknown>]] : [],
  );
}

/** The one resource of a type (fails the test when there are none or several). */
export function onlyResource(json: TemplateJson, type: string): [string, Record<string, unknown>] {
  const found = resourcesOfType(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, Record<string, unknown>];
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
}

/** The statements of the policies attached to a role (inline policies and AWS::IAM::Policy resources). */
export function roleStatements(json: TemplateJson, roleLogicalId: string): Statement[] {
  return Object.values(json.Resources).flatMap((resource) => {
    const properties = resource.Properties ?? {};
    const roles = properties.Roles as { Ref: string }[] | undefined;
    if (resource.Type !== 'AWS::IAM::Policy' || !roles?.some((role) => role.Ref === roleLogicalId)) return [];
    return (properties.PolicyDocument as { Statement: Statement[] }).Statement;
  });
}

export function actionsOf(statements: readonly Statement[]): string[] {
  return [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();
}

/**
 * The runbook's two documents: the runbook (its first step runs the check) and the check document, each as
 * [logical id, properties].
 */
export function runbookDocuments(json: TemplateJson): {
  runbook: [string, Record<string, unknown>];
  check: [string, Record<string, unknown>];
} {
  const documents = resourcesOfType(json, 'AWS::SSM::Document');
  const isRunbook = ([, document]: [string, Record<string, unknown>]) =>
    (document.Content as { mainSteps: { action: string }[] }).mainSteps[0]?.action ===
    'aws:executeAutomation';
  const runbook = documents.filter(isRunbook);
  const check = documents.filter((document) => !isRunbook(document));
  if (runbook.length !== 1 || check.length !== 1)
    throw new Error(`expected the runbook and its check document`);
  return {
    runbook: runbook[0] as [string, Record<string, unknown>],
    check: check[0] as [string, Record<string, unknown>],
  };
}

/** The logical id of the role a resource property points at with Fn::GetAtt [id, Arn]. */
export function roleIdOf(value: unknown): string {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (!getAtt) throw new Error(`not a role reference: ${JSON.stringify(value)}`);
  return getAtt[0];
}
