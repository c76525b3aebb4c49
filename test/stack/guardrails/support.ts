/**
 * Shared by the guardrail tests: the example account's settings, create requests as IAM sees them (request
 * context keys), the runbook's own create request (its shipped Python), and a real policy simulator.
 * iam-simulate is AGPL: it is a test-only devDependency and must never be imported outside test/.
 */
import { execFileSync } from 'node:child_process';
import type { CreateNotebookInstanceInput } from '@aws-sdk/client-sagemaker';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Inventory, InventoryNotebook } from '../../../offline/inventory';
import { embeddedScript, PARAMETERS } from '../../../remediation';
import { loadExampleAccount } from '../../../rule/examples';
import { type RuleParameters, toRuleParameters } from '../../../rule/parameters';
import type { GuardrailSettings, PolicyDocument, RemediationTarget } from '../../../stack/guardrails';
import { pythonFor } from '../../support/needs-python';
import { PYTHON_TIMEOUT_MS } from '../../support/python';

export const EXAMPLE: Inventory = loadExampleAccount();
export const EXAMPLE_RULE: RuleParameters = toRuleParameters(EXAMPLE.ruleParameters ?? {});

/** The example account's private subnet in its approved VPC, with its closed security group. */
export const EXAMPLE_TARGET: RemediationTarget = {
  subnetId: 'subnet-0aa11bb22cc33dd44',
  securityGroupIds: ['sg-0d1e2f3a4b5c6d7e8'],
};

export const EXAMPLE_SETTINGS: GuardrailSettings = { rule: EXAMPLE_RULE, remediationTarget: EXAMPLE_TARGET };

/** The subnets EC2 places in the given VPCs, from the example inventory. */
export function subnetsOfVpcs(vpcIds: readonly string[]): string[] {
  return EXAMPLE.subnets.flatMap((subnet) =>
    subnet.SubnetId && subnet.VpcId && vpcIds.includes(subnet.VpcId) ? [subnet.SubnetId] : [],
  );
}

export function vpcOfSubnet(subnetId: string): string | undefined {
  return EXAMPLE.subnets.find((subnet) => subnet.SubnetId === subnetId)?.VpcId;
}

/** The CreateNotebookInstance fields the guardrails' condition keys are filled from. */
export type CreateRequest = Pick<
  CreateNotebookInstanceInput,
  'NotebookInstanceName' | 'SubnetId' | 'SecurityGroupIds' | 'DirectInternetAccess' | 'RootAccess' | 'Tags'
>;

/**
 * The request that created an existing notebook, as far as its description tells. DirectInternetAccess
 * Enabled may have been sent or left to the API default, so both requests are returned then.
 */
export function originalCreateRequests(notebook: InventoryNotebook): CreateRequest[] {
  const request: CreateRequest = {
    NotebookInstanceName: notebook.NotebookInstanceName,
    ...(notebook.SubnetId && { SubnetId: notebook.SubnetId }),
    ...(notebook.SecurityGroups?.length && { SecurityGroupIds: notebook.SecurityGroups }),
    ...(notebook.DirectInternetAccess && { DirectInternetAccess: notebook.DirectInternetAccess }),
    ...(notebook.RootAccess && { RootAccess: notebook.RootAccess }),
    ...(notebook.Tags?.length && { Tags: [...notebook.Tags] }),
  };
  if (notebook.DirectInternetAccess !== 'Enabled') return [request];
  const { DirectInternetAccess: _default, ...omitted } = request;
  return [request, omitted];
}

/** IAM's request context for a create request: SageMaker's keys and the tag keys, multivalued ones as arrays. */
export function requestContext(request: CreateRequest): Record<string, string | string[]> {
  return {
    ...(request.Tags?.length && { 'aws:TagKeys': request.Tags.flatMap((tag) => (tag.Key ? [tag.Key] : [])) }),
    ...(request.SubnetId && { 'sagemaker:VpcSubnets': [request.SubnetId] }),
    ...(request.SecurityGroupIds && { 'sagemaker:VpcSecurityGroupIds': request.SecurityGroupIds }),
    ...(request.DirectInternetAccess && { 'sagemaker:DirectInternetAccess': request.DirectInternetAccess }),
    ...(request.RootAccess && { 'sagemaker:RootAccess': request.RootAccess }),
  };
}

const RUN_CREATE_REQUEST = `
import json, sys
data = json.load(sys.stdin)
code = {}
exec(data["script"], code)
print(json.dumps([code["create_request"](manifest, data["event"]) for manifest in data["manifests"]]))
`;

/**
 * The runbook's own CreateNotebookInstance request for each notebook, computed by its shipped CreateNotebook
 * step (create_request) with the target and the runbook's default DirectInternetAccess. Needs boto3 (the
 * script imports it): call it from a withBoto3 test.
 */
export function runbookCreateRequests(
  notebooks: readonly InventoryNotebook[],
  target: RemediationTarget,
): CreateRequest[] {
  const manifests = notebooks.map(({ Tags, scenario: _s, expectedCompliance: _e, ...description }) => ({
    Notebook: description,
    Tags: Tags ?? [],
    DataPlan: 'Backup',
  }));
  const event = {
    SubnetId: target.subnetId,
    SecurityGroupIds: target.securityGroupIds,
    DirectInternetAccess: target.directInternetAccess ?? PARAMETERS.DirectInternetAccess.default,
    RestoreConfigName: 'vpc-guard-restore-example',
  };
  const output = execFileSync(pythonFor('boto3'), ['-c', RUN_CREATE_REQUEST], {
    input: JSON.stringify({ script: embeddedScript('create_notebook'), manifests, event }),
    encoding: 'utf8',
    timeout: PYTHON_TIMEOUT_MS,
  });
  return JSON.parse(output) as CreateRequest[];
}

export type PolicyPlacement = 'scp' | 'identity';

export interface Decision {
  readonly allowed: boolean;
  /** The Sids of the guardrail statements that denied the request, sorted. */
  readonly deniedBy: readonly string[];
}

const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const ACCOUNT = EXAMPLE.accountId;
/** Whoever creates notebooks in the tests unless a test says otherwise. */
export const DATA_SCIENTIST = `arn:aws:iam::${ACCOUNT}:role/DataScientist`;
/** The runbook's automation role as the stack names it (under its path). */
export const AUTOMATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/sagemaker-notebook-vpc-guard/Test-AutomationRole-1A2B3C`;

export interface Caller {
  readonly action?: 'sagemaker:CreateNotebookInstance' | 'sagemaker:AddTags';
  /** The principal's ARN (aws:PrincipalArn: for a role session, the role's ARN). Default DATA_SCIENTIST. */
  readonly principal?: string;
}

/** A create request through the simulator (see simulateContext). */
export function simulateCreate(
  guardrail: PolicyDocument,
  placement: PolicyPlacement,
  request: CreateRequest,
  caller: Caller = {},
): Promise<Decision> {
  return simulateContext(guardrail, placement, requestContext(request), request.NotebookInstanceName, caller);
}

/**
 * Runs CreateNotebookInstance (or the caller's action, as the caller's principal) with this request context
 * through iam-simulate, the guardrail as an SCP (beside
 * FullAWSAccess, under a root that allows everything; the principal is allowed everything) or as an identity
 * policy (beside an allow-all policy). Fails on any validation error, and on a context key the simulator
 * ignored as not applying to the action.
 */
export async function simulateContext(
  guardrail: PolicyDocument,
  placement: PolicyPlacement,
  context: Record<string, string | string[]>,
  notebookName = 'new-notebook',
  { action = 'sagemaker:CreateNotebookInstance', principal = DATA_SCIENTIST }: Caller = {},
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: {
          // ARNs carry the notebook name in lower case.
          resource: `arn:aws:sagemaker:${EXAMPLE.region}:${ACCOUNT}:notebook-instance/${notebookName.toLowerCase()}`,
          accountId: ACCOUNT,
        },
        // IAM sets aws:PrincipalArn (for a role session: the role's ARN); the simulator needs it given.
        contextVariables: { ...context, 'aws:PrincipalArn': principal },
      },
      identityPolicies: [
        { name: 'AllowAll', policy: ALLOW_ALL },
        ...(placement === 'identity' ? [{ name: 'Guardrail', policy: guardrail }] : []),
      ],
      serviceControlPolicies:
        placement === 'scp'
          ? [
              { orgIdentifier: 'r-ab12', policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }] },
              {
                orgIdentifier: 'ou-ab12-cd34ef56',
                policies: [
                  { name: 'FullAWSAccess', policy: ALLOW_ALL },
                  { name: 'Guardrail', policy: guardrail },
                ],
              },
            ]
          : [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== 'single') {
    throw new Error(
      `simulation did not run: ${JSON.stringify(result.resultType === 'error' ? result.errors : result)}`,
    );
  }
  const { analysis, ignoredContextKeys } = result.result;
  if (ignoredContextKeys && ignoredContextKeys.length > 0) {
    throw new Error(`context keys not applicable to ${action}: ${ignoredContextKeys.join(', ')}`);
  }
  const denyStatements =
    placement === 'scp'
      ? (analysis.scpAnalysis?.ouAnalysis.flatMap((level) => level.denyStatements) ?? [])
      : (analysis.identityAnalysis?.denyStatements ?? []);
  return {
    allowed: result.overallResult === 'Allowed',
    deniedBy: denyStatements.map((statement) => statement.statement.sid() ?? '(no Sid)').sort(),
  };
}
