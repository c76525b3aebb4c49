/**
 * Security Hub one-click: the custom action, the EventBridge rule with its own role, and the state machine
 * that starts one runbook execution per selected notebook. The item selection (JSONata) is evaluated with
 * the jsonata library on realistic custom-action events.
 */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ACTION_ID, ACTION_NAME, selectedNotebooksExpression } from '../../stack/security-hub/action';
import {
  actionsOf,
  MODES,
  onlyResource,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  SECURITY_GROUPS,
  SUBNET,
  synthesize,
  type TemplateJson,
} from './support';

const { json } = synthesize(MODES.singleAccount);
const [actionId, action] = onlyResource(json, 'AWS::SecurityHub::ActionTarget');
const [stateMachineId, stateMachine] = onlyResource(json, 'AWS::StepFunctions::StateMachine');
const [, rule] = onlyResource(json, 'AWS::Events::Rule');
const [documentId] = onlyResource(json, 'AWS::SSM::Document');

/** The state machine definition with each CloudFormation reference written as <LogicalId>. */
function definition(template: TemplateJson): Record<string, unknown> {
  const [, machine] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
  const parts = (machine.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      const getAtt = (part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      return `<${ref ?? getAtt?.join('.')}>`;
    })
    .join('');
  return JSON.parse(text) as Record<string, unknown>;
}

const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-1';
const notebookArn = (name: string, account = ACCOUNT) =>
  `arn:aws:sagemaker:${REGION}:${account}:notebook-instance/${name}`;
const finding = (resource: { Id: string; Type: string }, account = ACCOUNT, region = REGION) => ({
  SchemaVersion: '2018-10-08',
  ProductName: 'Config',
  AwsAccountId: account,
  Region: region,
  Title: 'sagemaker-notebook-vpc-guard',
  Resources: [{ ...resource, Partition: 'aws', Region: region }],
});
const customActionEvent = (findings: unknown[]) => ({
  version: '0',
  source: 'aws.securityhub',
  'detail-type': 'Security Hub Findings - Custom Action',
  account: ACCOUNT,
  region: REGION,
  resources: [`arn:aws:securityhub:${REGION}:${ACCOUNT}:action/custom/${ACTION_ID}`],
  detail: { actionName: ACTION_NAME, actionDescription: '…', findings },
});

async function selected(event: unknown): Promise<unknown> {
  const expression = selectedNotebooksExpression(ACCOUNT, REGION).replace(/^\{%\s*|\s*%\}$/g, '');
  return jsonata(expression).evaluate({}, { states: { input: event } });
}

describe('custom action', () => {
  it('is named "Recreate in VPC" (under 20 characters)', () => {
    expect(action).toMatchObject({ Name: 'Recreate in VPC', Id: ACTION_ID });
    expect(String(action.Name).length).toBeLessThan(20);
  });

  it('triggers an EventBridge rule that matches exactly this action and starts the state machine with its own role', () => {
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
  });
});

describe('state machine', () => {
  const machine = definition(json) as {
    StartAt: string;
    States: Record<
      string,
      { Items: string; ItemProcessor: { States: Record<string, Record<string, unknown>> } }
    >;
  };
  const map = machine.States[machine.StartAt];
  const start = map?.ItemProcessor.States.StartRunbook ?? {};

  it('starts the runbook for each selected notebook with the ARN and the deployment target', () => {
    expect(start.Resource).toBe('arn:<AWS::Partition>:states:::aws-sdk:ssm:startAutomationExecution');
    expect(start.Arguments).toEqual({
      DocumentName: `<${documentId}>`,
      Parameters: {
        NotebookInstanceName: ['{% $states.input %}'],
        SubnetId: [SUBNET],
        SecurityGroupIds: SECURITY_GROUPS,
        DirectInternetAccess: ['Disabled'],
        BackupBucketName: [expect.stringMatching(/^<GuardRemediationBackupsBucket\w+>$/)],
        BackupPrefix: ['sagemaker-notebook-vpc-guard'],
        AutomationAssumeRole: [expect.stringMatching(/^<GuardRemediationRunbookAutomationRole\w+\.Arn>$/)],
      },
    });
  });

  it('keeps going when one start fails', () => {
    expect(start.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'StartFailed' }),
    ]);
  });

  it('may start only this runbook, and pass only the automation role, only to SSM', () => {
    const statements = roleStatements(json, roleIdOf(stateMachine.RoleArn));
    const ssm = statements.find((statement) => statement.Action === 'ssm:StartAutomationExecution');
    const resources = JSON.stringify(ssm?.Resource);
    expect(resources).toContain(`:automation-definition/",{"Ref":"${documentId}"},":*"`);
    expect(resources).toContain(`:document/",{"Ref":"${documentId}"}`);
    const passRole = statements.find((statement) => statement.Action === 'iam:PassRole');
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
    expect(JSON.stringify(passRole?.Resource)).toContain('AutomationRole');
    expect(actionsOf(statements).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([
      'iam:PassRole',
      'ssm:StartAutomationExecution',
    ]);
  });

  it('logs every event and is traced', () => {
    expect(stateMachine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    expect(stateMachine.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('is not deployed without a target', () => {
    expect(resourcesOfType(synthesize(MODES.noContext).json, 'AWS::SecurityHub::ActionTarget')).toEqual([]);
  });
});

describe('selected findings (up to 20 per event)', () => {
  it('become one execution per distinct notebook of this account and region', async () => {
    const event = customActionEvent([
      finding({ Id: notebookArn('alpha'), Type: 'AwsSageMakerNotebookInstance' }),
      finding({ Id: notebookArn('beta'), Type: 'AwsSageMakerNotebookInstance' }),
      // The same notebook flagged by another rule: recreated once, not twice at the same time.
      finding({ Id: notebookArn('alpha'), Type: 'AwsSageMakerNotebookInstance' }),
      // Not a notebook, another account's notebook (an aggregating administrator), another region's.
      finding({ Id: 'arn:aws:s3:::some-bucket', Type: 'AwsS3Bucket' }),
      finding(
        { Id: notebookArn('gamma', '999988887777'), Type: 'AwsSageMakerNotebookInstance' },
        '999988887777',
      ),
      finding({ Id: notebookArn('delta'), Type: 'AwsSageMakerNotebookInstance' }, ACCOUNT, 'us-east-1'),
    ]);
    expect(await selected(event)).toEqual([notebookArn('alpha'), notebookArn('beta')]);
  });

  it('handles all 20 of a full selection', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `notebook-${index}`);
    const event = customActionEvent(
      names.map((name) => finding({ Id: notebookArn(name), Type: 'AwsSageMakerNotebookInstance' })),
    );
    expect(await selected(event)).toEqual(names.map((name) => notebookArn(name)));
  });

  it('is a list for a single notebook and empty when nothing qualifies', async () => {
    expect(
      await selected(
        customActionEvent([finding({ Id: notebookArn('solo'), Type: 'AwsSageMakerNotebookInstance' })]),
      ),
    ).toEqual([notebookArn('solo')]);
    expect(
      await selected(customActionEvent([finding({ Id: 'arn:aws:s3:::b', Type: 'AwsS3Bucket' })])),
    ).toEqual([]);
  });

  it('is the expression the state machine runs', () => {
    const machine = definition(json) as { StartAt: string; States: Record<string, { Items?: string }> };
    expect(machine.States[machine.StartAt]?.Items).toBe(
      selectedNotebooksExpression('<AWS::AccountId>', '<AWS::Region>'),
    );
  });
});
