/**
 * Security Hub one-click, per mode: the custom action, the EventBridge rule with its own role, and the state
 * machine that starts one runbook execution per selected notebook — here (single account) or in each finding's
 * own member account (organization). The deployed item selection (JSONata) is evaluated with the jsonata library
 * on custom-action events in the shape AWS documents, carrying findings from Security Hub's Config integration
 * (the documented sample's shape) and findings the rule imports itself (rule/asff).
 */
import { Template } from 'aws-cdk-lib/assertions';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { toFinding } from '../../rule/asff/finding';
import { RUNBOOK_TARGET_PARAMETERS } from '../../stack/detection/config-resources';
import { MEMBER_PARAMETERS } from '../../stack/organization/member-account';
import { ACTION_ID, ACTION_NAME } from '../../stack/security-hub/action';
import { serviceVpcEvaluation } from '../fixtures/evaluations';
import {
  actionsOf,
  MODES,
  onlyResource,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  runbookDocuments,
  SECURITY_GROUPS,
  SUBNET,
  synthesize,
  type TemplateJson,
} from './support';

const ADMIN = '111122223333';
const MEMBER = '444455556666';
const REGION = 'ap-northeast-1';
const RULE = 'sagemaker-notebook-vpc-guard';
const RULE_ARN = `arn:aws:config:${REGION}:${ADMIN}:config-rule/config-rule-a1b2c3`;

const single = synthesize(MODES.singleAccount);
const pack = synthesize(MODES.conformancePack);
const organization = synthesize(MODES.organization);
const memberStack = organization.guard.organization?.memberTemplate?.stack;
if (!memberStack) throw new Error('no member template');
const member = Template.fromStack(memberStack).toJSON() as TemplateJson;

/** A value with each CloudFormation reference written as <LogicalId> (or <LogicalId.Attribute>). */
function rendered(value: unknown): string {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return String(value);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      const getAtt = (part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      return `<${ref ?? getAtt?.join('.')}>`;
    })
    .join('');
}

interface Definition {
  readonly StartAt: string;
  readonly States: Record<
    string,
    { Items: string; ItemProcessor: { StartAt: string; States: Record<string, Record<string, unknown>> } }
  >;
}

function definition(template: TemplateJson): Definition {
  const [, machine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
  return JSON.parse(rendered(machine.DefinitionString)) as Definition;
}

function mapState(template: TemplateJson) {
  const parsed = definition(template);
  const map = parsed.States[parsed.StartAt];
  if (!map) throw new Error('no Map state');
  return map;
}

/** The deployed Items expression, in this account and region. */
function itemsOf(template: TemplateJson, account = ADMIN): string {
  return mapState(template)
    .Items.replace(/^\{%\s*|\s*%\}$/g, '')
    .replaceAll('<AWS::Partition>', 'aws')
    .replaceAll('<AWS::Region>', REGION)
    .replaceAll('<AWS::AccountId>', account)
    .replace(/<GuardConfigRule\w+\.Arn>/, RULE_ARN);
}

async function selected(template: TemplateJson, findings: readonly unknown[]): Promise<unknown> {
  return jsonata(itemsOf(template)).evaluate({}, { states: { input: customActionEvent(findings) } });
}

const notebookArn = (name: string, account = ADMIN, region = REGION) =>
  `arn:aws:sagemaker:${region}:${account}:notebook-instance/${name}`;

/** Security Hub's EventBridge event for a custom action, as the user guide documents it. */
function customActionEvent(findings: readonly unknown[]) {
  return {
    version: '0',
    id: '1a1111a1-b22b-3c33-444d-5555e5ee5555',
    'detail-type': 'Security Hub Findings - Custom Action',
    source: 'aws.securityhub',
    account: ADMIN,
    time: '2026-11-28T09:00:00Z',
    region: REGION,
    resources: [`arn:aws:securityhub:${REGION}:${ADMIN}:action/custom/${ACTION_ID}`],
    detail: { actionName: ACTION_NAME, actionDescription: 'Recreate the selected notebooks', findings },
  };
}

interface ConfigFindingOptions {
  readonly account?: string;
  readonly region?: string;
  readonly ruleName?: string;
  readonly ruleArn?: string;
  readonly status?: string;
  readonly recordState?: string;
}

/** A finding from Security Hub's AWS Config integration, in the shape of AWS's documented sample. */
function configFinding(resourceId: string, options: ConfigFindingOptions = {}) {
  const account = options.account ?? ADMIN;
  const region = options.region ?? REGION;
  const ruleName = options.ruleName ?? RULE;
  const ruleArn = options.ruleArn ?? RULE_ARN;
  return {
    SchemaVersion: '2018-10-08',
    Id: `${ruleArn}/finding/3027db7f9b58b5ff20354bc654f0ad706cf70d1a`,
    ProductArn: `arn:aws:securityhub:${region}::product/aws/config`,
    ProductName: 'Config',
    CompanyName: 'AWS',
    Region: region,
    GeneratorId: ruleArn,
    AwsAccountId: account,
    Types: ['Software and Configuration Checks'],
    CreatedAt: '2026-11-20T08:16:37.181Z',
    UpdatedAt: '2026-11-28T00:02:15.056Z',
    Severity: { Label: 'MEDIUM', Normalized: 40 },
    Title: ruleName,
    Description: `This finding is created for a resource compliance change for config rule: ${ruleName}`,
    ProductFields: {
      'aws/securityhub/ProductName': 'Config',
      'aws/securityhub/CompanyName': 'AWS',
      'aws/config/ConfigRuleArn': ruleArn,
      'aws/config/ConfigRuleName': ruleName,
      'aws/config/ConfigComplianceType': 'NON_COMPLIANT',
    },
    Resources: [{ Type: 'AwsSageMakerNotebookInstance', Id: resourceId, Partition: 'aws', Region: region }],
    Compliance: { Status: options.status ?? 'FAILED' },
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: options.recordState ?? 'ACTIVE',
    FindingProviderFields: { Severity: { Label: 'MEDIUM' }, Types: ['Software and Configuration Checks'] },
  };
}

/** A finding the rule imported itself. */
function importedFinding(name: string, account = ADMIN, configRuleName = RULE) {
  const finding = toFinding(serviceVpcEvaluation(name), {
    partition: 'aws',
    region: REGION,
    accountId: account,
    configRuleName,
    deliveredAt: new Date(),
  });
  if (!finding) throw new Error('no finding');
  return finding;
}

/** The runbook's target parameters as a template holds them, its resources under `prefix` (the construct path). */
function storedTarget(prefix: string) {
  return {
    SubnetId: [SUBNET],
    SecurityGroupIds: SECURITY_GROUPS,
    DirectInternetAccess: ['Disabled'],
    BackupBucketName: [expect.stringMatching(new RegExp(`^<${prefix}RemediationBackupsBucket\\w+>$`))],
    BackupPrefix: ['sagemaker-notebook-vpc-guard'],
    AutomationAssumeRole: [
      expect.stringMatching(new RegExp(`^<${prefix}RemediationRunbookAutomationRole\\w+\\.Arn>$`)),
    ],
  };
}

const item = (name: string, account = ADMIN) => ({ Account: account, Notebook: notebookArn(name, account) });

describe('custom action', () => {
  it.each([
    ['single account', single.json],
    ['conformance pack', pack.json],
    ['organization (the delegated administrator)', organization.json],
  ])(
    'in %s: "Recreate in VPC" (under 20 characters), an EventBridge rule for exactly it, with its own role',
    (_, json) => {
      const [actionId, action] = onlyResource(json, 'AWS::SecurityHub::ActionTarget');
      expect(action).toMatchObject({ Name: 'Recreate in VPC', Id: ACTION_ID });
      expect(String(action.Name).length).toBeLessThan(20);
      const [stateMachineId, stateMachine] = onlyResource(json, 'AWS::StepFunctions::StateMachine');
      const [, rule] = onlyResource(json, 'AWS::Events::Rule');
      expect(rule.EventPattern).toEqual({
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Custom Action'],
        resources: [{ 'Fn::GetAtt': [actionId, 'ActionTargetArn'] }],
      });
      const [target] = rule.Targets as { Arn: unknown; RoleArn: unknown }[];
      expect(target?.Arn).toEqual({ Ref: stateMachineId });
      const eventsRole = roleIdOf(target?.RoleArn);
      expect(eventsRole).not.toBe(roleIdOf(stateMachine.RoleArn));
      expect(roleStatements(json, eventsRole)).toEqual([
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId } },
      ]);
    },
  );

  it('logs every state transition but no execution data (the event carries whole findings), and is traced', () => {
    for (const json of [single.json, pack.json, organization.json]) {
      const [, stateMachine] = onlyResource(json, 'AWS::StepFunctions::StateMachine');
      expect(stateMachine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
      expect(stateMachine.TracingConfiguration).toEqual({ Enabled: true });
    }
  });

  it('is not deployed without a target, nor with an organization pack (detection only)', () => {
    expect(resourcesOfType(synthesize(MODES.noContext).json, 'AWS::SecurityHub::ActionTarget')).toEqual([]);
    expect(
      resourcesOfType(synthesize(MODES.organizationPack).json, 'AWS::SecurityHub::ActionTarget'),
    ).toEqual([]);
  });
});

describe('selected findings, single account (stand-alone rule)', () => {
  it('one finding of this rule from the Config integration: its notebook', async () => {
    expect(await selected(single.json, [configFinding(notebookArn('alpha'))])).toEqual([item('alpha')]);
  });

  it('several findings: one execution per distinct notebook, whichever way each finding came', async () => {
    const findings = [
      configFinding(notebookArn('alpha')),
      importedFinding('beta'),
      importedFinding('alpha'),
      configFinding(notebookArn('beta')),
    ];
    expect(await selected(single.json, findings)).toEqual([item('alpha'), item('beta')]);
  });

  it('all 20 of a full selection', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `notebook-${index}`);
    expect(
      await selected(
        single.json,
        names.map((name) => configFinding(notebookArn(name))),
      ),
    ).toEqual(names.map((name) => item(name)));
  });

  it('another rule’s findings are ignored, whatever notebook they name (issue 9 §9)', async () => {
    const otherRuleArn = `arn:aws:config:${REGION}:${ADMIN}:config-rule/config-rule-zzz999`;
    const findings = [
      configFinding(notebookArn('alpha'), {
        ruleName: 'sagemaker-notebook-instance-inside-vpc',
        ruleArn: otherRuleArn,
      }),
      // The managed rule's name is not this rule's, even under this rule's ARN pattern.
      configFinding(notebookArn('alpha'), { ruleName: 'other-rule', ruleArn: otherRuleArn }),
      importedFinding('alpha', ADMIN, 'some-other-generator'),
      // Another product's finding about the same notebook (GuardDuty-like).
      {
        ...configFinding(notebookArn('alpha')),
        ProductArn: `arn:aws:securityhub:${REGION}::product/aws/guardduty`,
      },
    ];
    expect(await selected(single.json, findings)).toEqual([]);
  });

  it('a member account’s finding (seen by an aggregating administrator) is ignored in a single account', async () => {
    const memberFinding = configFinding(notebookArn('gamma', MEMBER), {
      account: MEMBER,
      ruleArn: `arn:aws:config:${REGION}:${MEMBER}:config-rule/config-rule-m1`,
    });
    expect(await selected(single.json, [memberFinding, importedFinding('delta', MEMBER)])).toEqual([]);
  });

  it('a lowercased notebook name in the ARN is passed as it is (the runbook resolves it case-insensitively)', async () => {
    const lowercased = configFinding(notebookArn('datascience-team-lab'));
    const mixed = configFinding(notebookArn('DataScience-Team-Lab'));
    expect(await selected(single.json, [lowercased, mixed])).toEqual([item('datascience-team-lab')]);
  });

  it('passed, archived, other-region and mismatched findings are nothing to fix', async () => {
    const findings = [
      configFinding(notebookArn('passed'), { status: 'PASSED' }),
      configFinding(notebookArn('archived'), { recordState: 'ARCHIVED' }),
      configFinding(notebookArn('elsewhere', ADMIN, 'us-east-1'), {
        region: 'us-east-1',
        ruleArn: `arn:aws:config:us-east-1:${ADMIN}:config-rule/config-rule-a1b2c3`,
      }),
      // A finding of this account naming another account's notebook.
      configFinding(notebookArn('foreign', MEMBER)),
      {
        ...configFinding('arn:aws:s3:::some-bucket'),
        Resources: [{ Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::some-bucket' }],
      },
    ];
    expect(await selected(single.json, findings)).toEqual([]);
  });

  it('a finding of a conformance pack’s rule of the same name is not this stand-alone rule’s', async () => {
    const packRule = configFinding(notebookArn('alpha'), {
      ruleName: `${RULE}-conformance-pack-abcd1234`,
      ruleArn: `arn:aws:config:${REGION}:${ADMIN}:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-p1`,
    });
    expect(await selected(single.json, [packRule])).toEqual([]);
  });

  it('is an empty list when nothing qualifies', async () => {
    expect(await selected(single.json, [])).toEqual([]);
  });
});

describe('selected findings, conformance pack (rule ARN unknown to the stack: matched by name)', () => {
  it('takes the pack rule’s Config findings and the rule’s own, of this account', async () => {
    const packRuleName = `${RULE}-conformance-pack-abcd1234`;
    const findings = [
      configFinding(notebookArn('alpha'), {
        ruleName: packRuleName,
        ruleArn: `arn:aws:config:${REGION}:${ADMIN}:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-p1`,
      }),
      importedFinding('beta', ADMIN, packRuleName),
      configFinding(notebookArn('gamma'), { ruleName: `${RULE}-copy` }),
      // A Config rule ARN of another account cannot vouch for this account's finding.
      configFinding(notebookArn('delta'), {
        ruleArn: `arn:aws:config:${REGION}:${MEMBER}:config-rule/config-rule-x`,
      }),
    ];
    expect(await selected(pack.json, findings)).toEqual([item('alpha'), item('beta')]);
  });
});

describe('state machine, single account', () => {
  const processor = mapState(single.json).ItemProcessor;
  const start = processor.States.StartRunbook ?? {};
  const [documentId] = runbookDocuments(single.json).runbook;
  const [, stateMachine] = onlyResource(single.json, 'AWS::StepFunctions::StateMachine');

  it('starts the runbook for each notebook with its ARN and the stored target, never AllowDataLoss', () => {
    expect(start.Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:ssm:startAutomationExecution');
    expect(start.Arguments).toEqual({
      DocumentName: `<${documentId}>`,
      Parameters: {
        NotebookInstanceName: ['{% $states.input.Notebook %}'],
        ...storedTarget('Guard'),
      },
    });
  });

  it('keeps going when one start fails', () => {
    expect(start.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'StartFailed' }),
    ]);
  });

  it('may start only this runbook, and pass only the automation role, only to SSM', () => {
    const statements = roleStatements(single.json, roleIdOf(stateMachine.RoleArn));
    const ssm = statements.find((statement) => statement.Action === 'ssm:StartAutomationExecution');
    const resources = JSON.stringify(ssm?.Resource);
    expect(resources).toContain(`:automation-definition/",{"Ref":"${documentId}"},":*"`);
    expect(resources).toContain(`:document/",{"Ref":"${documentId}"}`);
    const [checkDocumentId] = runbookDocuments(single.json).check;
    expect(resources).toContain(`:document/",{"Ref":"${checkDocumentId}"}`);
    const passRole = statements.find((statement) => statement.Action === 'iam:PassRole');
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
    expect(JSON.stringify(passRole?.Resource)).toContain('AutomationRole');
    expect(actionsOf(statements).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([
      'iam:PassRole',
      'ssm:StartAutomationExecution',
    ]);
  });
});

describe('organization mode: one click in the administrator account, the runbook in the finding’s account', () => {
  const processor = mapState(organization.json).ItemProcessor;
  const [, stateMachine] = onlyResource(organization.json, 'AWS::StepFunctions::StateMachine');
  const starterRole = `SageMakerNotebookVpcGuardMember-Start-<AWS::Region>`;

  it('selects any member account’s findings of this rule, each in its own account', async () => {
    const findings = [
      configFinding(notebookArn('alpha', MEMBER), {
        account: MEMBER,
        ruleName: `${RULE}-conformance-pack-abcd1234`,
        ruleArn: `arn:aws:config:${REGION}:${MEMBER}:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-p1`,
      }),
      importedFinding('beta', MEMBER, `${RULE}-conformance-pack-abcd1234`),
      importedFinding('gamma', ADMIN),
      importedFinding('beta', MEMBER, 'not-this-rule'),
    ];
    expect(await selected(organization.json, findings)).toEqual([
      item('alpha', MEMBER),
      item('beta', MEMBER),
      item('gamma', ADMIN),
    ]);
  });

  it('reads the member’s stored target and starts its runbook, both as the member’s starter role', () => {
    expect(processor.StartAt).toBe('ReadStoredTarget');
    const read = processor.States.ReadStoredTarget ?? {};
    const start = processor.States.StartRunbook ?? {};
    const credentials = {
      RoleArn: `{% 'arn:<AWS::Partition>:iam::' & $states.input.Account & ':role/${starterRole}' %}`,
    };
    expect(read).toMatchObject({
      Resource: 'arn:<AWS::Partition>:states:::aws-sdk:ssm:getParameter',
      Credentials: credentials,
      Arguments: { Name: `/${RULE}/security-hub-action/runbook-target` },
      Next: 'StartRunbook',
    });
    expect(start).toMatchObject({
      Resource: 'arn:<AWS::Partition>:states:::aws-sdk:ssm:startAutomationExecution',
      Credentials: credentials,
      Arguments: { DocumentName: '{% $target.DocumentName %}' },
    });
    for (const state of [read, start]) {
      expect(state.Catch).toEqual([
        {
          ErrorEquals: ['States.ALL'],
          Next: 'StartFailed',
          Output: { Notebook: '{% $states.input.Notebook %}', Error: '{% $states.errorOutput %}' },
        },
      ]);
    }
  });

  it('passes only the recreation target from the stored parameter: never AllowDataLoss, whatever it holds', async () => {
    const expression = String(
      (processor.States.StartRunbook?.Arguments as { Parameters: string } | undefined)?.Parameters,
    );
    const stored = {
      DocumentName: 'MemberRunbook',
      Parameters: {
        SubnetId: [SUBNET],
        SecurityGroupIds: SECURITY_GROUPS,
        DirectInternetAccess: ['Disabled'],
        BackupBucketName: ['member-backups'],
        BackupPrefix: ['sagemaker-notebook-vpc-guard'],
        AutomationAssumeRole: [`arn:aws:iam::${MEMBER}:role/Automation`],
        // What a tampered parameter might add.
        AllowDataLoss: ['true'],
        AllowUncheckedPermissions: ['true'],
        AllowIacOwnedNotebook: ['true'],
        Mode: ['RestoreOnly'],
        NotebookInstanceName: ['someone-else'],
      },
    };
    const parameters = await jsonata(expression.replace(/^\{%\s*|\s*%\}$/g, '')).evaluate(
      {},
      { states: { input: item('alpha', MEMBER) }, target: stored },
    );
    expect(parameters).toEqual({
      SubnetId: [SUBNET],
      SecurityGroupIds: SECURITY_GROUPS,
      DirectInternetAccess: ['Disabled'],
      BackupBucketName: ['member-backups'],
      BackupPrefix: ['sagemaker-notebook-vpc-guard'],
      AutomationAssumeRole: [`arn:aws:iam::${MEMBER}:role/Automation`],
      NotebookInstanceName: [notebookArn('alpha', MEMBER)],
    });
    expect(Object.keys(parameters as object).sort()).toEqual(
      [...RUNBOOK_TARGET_PARAMETERS, 'NotebookInstanceName'].sort(),
    );
  });

  it('drops the empty security-group slots of a target read from a per-region mapping', async () => {
    const expression = String(
      (processor.States.StartRunbook?.Arguments as { Parameters: string } | undefined)?.Parameters,
    );
    const stored = {
      DocumentName: 'D',
      Parameters: { SubnetId: [SUBNET], SecurityGroupIds: ['sg-0a1b2c3d', '', ''] },
    };
    const evaluate = (target: unknown) =>
      jsonata(expression.replace(/^\{%\s*|\s*%\}$/g, '')).evaluate(
        {},
        { states: { input: item('alpha', MEMBER) }, target },
      );
    expect(await evaluate(stored)).toMatchObject({ SecurityGroupIds: ['sg-0a1b2c3d'] });
    expect(
      await evaluate({ ...stored, Parameters: { ...stored.Parameters, SecurityGroupIds: SECURITY_GROUPS } }),
    ).toMatchObject({
      SecurityGroupIds: SECURITY_GROUPS,
    });
  });

  it('may only assume that starter role, and only in accounts of the organization: no SSM or PassRole here', () => {
    const statements = roleStatements(organization.json, roleIdOf(stateMachine.RoleArn));
    expect(actionsOf(statements).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([
      'sts:AssumeRole',
    ]);
    const assume = statements.find((statement) => statement.Action === 'sts:AssumeRole');
    expect(rendered(assume?.Resource)).toBe(`arn:<AWS::Partition>:iam::*:role/${starterRole}`);
    expect(assume?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
  });
});

describe('organization mode: the member account’s half (StackSet template)', () => {
  const [roleId, role] = onlyResource(
    {
      Resources: Object.fromEntries(
        Object.entries(member.Resources).filter(([id]) => id.includes('StarterRole')),
      ),
    },
    'AWS::IAM::Role',
  );
  const [parameterId, parameter] = onlyResource(member, 'AWS::SSM::Parameter');
  const [documentId] = runbookDocuments(member).runbook;
  const [checkDocumentId] = runbookDocuments(member).check;

  it('stores the account’s runbook, automation role and target where the starter role can read it', () => {
    expect(parameter.Name).toBe(`/${RULE}/security-hub-action/runbook-target`);
    const stored = JSON.parse(rendered(parameter.Value)) as { DocumentName: string; Parameters: object };
    expect(stored.DocumentName).toBe(`<${documentId}>`);
    expect(stored.Parameters).toEqual(storedTarget(''));
  });

  it('a starter role of a fixed name that trusts only the administrator’s state machine role', () => {
    expect(rendered(role.RoleName)).toBe('SageMakerNotebookVpcGuardMember-Start-<AWS::Region>');
    expect((role.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Principal: { AWS: expect.objectContaining({ 'Fn::Join': expect.anything() }) },
        Condition: { ArnEquals: { 'aws:PrincipalArn': { Ref: MEMBER_PARAMETERS.securityHubActionRoleArn } } },
      }),
    ]);
  });

  it('may read only that parameter, start only this runbook (and its check document), and pass only the automation role, only to SSM', () => {
    const statements = roleStatements(member, roleId);
    expect(actionsOf(statements)).toEqual([
      'iam:PassRole',
      'ssm:GetParameter',
      'ssm:StartAutomationExecution',
    ]);
    const of = (action: string) => statements.find((statement) => statement.Action === action);
    expect(rendered(of('ssm:GetParameter')?.Resource)).toBe(
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter<${parameterId}>`,
    );
    expect(((of('ssm:StartAutomationExecution')?.Resource ?? []) as unknown[]).map(rendered)).toEqual([
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-definition/<${documentId}>:*`,
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:document/<${documentId}>`,
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-definition/<${checkDocumentId}>:*`,
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:document/<${checkDocumentId}>`,
      'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*',
    ]);
    expect(of('iam:PassRole')).toMatchObject({
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/AutomationRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    });
  });

  it('is left out when the action is off', () => {
    const off = synthesize({ ...MODES.organization, securityHubAction: false });
    const offMember = off.guard.organization?.memberTemplate?.stack;
    if (!offMember) throw new Error('no member template');
    const json = Template.fromStack(offMember).toJSON() as TemplateJson;
    expect(resourcesOfType(json, 'AWS::SSM::Parameter')).toEqual([]);
    expect(Object.keys(json.Parameters ?? {})).not.toContain(MEMBER_PARAMETERS.securityHubActionRoleArn);
    expect(resourcesOfType(off.json, 'AWS::SecurityHub::ActionTarget')).toEqual([]);
  });
});
