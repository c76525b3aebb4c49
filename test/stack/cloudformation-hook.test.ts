/**
 * cloudFormationHook: the hook Lambda (EC2 describes only), the AWS::CloudFormation::LambdaHook on notebook
 * creates and updates with the chosen failure mode, the execution role that may invoke only that Lambda, and
 * in organization mode the same hook in every member account through the StackSet.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseRuleParameters } from '../../rule/parameters';
import { HOOK_ACTIONS } from '../../stack/detection/cloudformation-hook';
import { MEMBER_PARAMETERS } from '../../stack/organization/member-account';
import {
  MODES,
  onlyResource,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  synthesize,
  type TemplateJson,
} from './support';

const LAMBDA_HOOK = 'AWS::CloudFormation::LambdaHook';
const NOTEBOOK_TARGETS = [
  { TargetName: 'AWS::SageMaker::NotebookInstance', Action: 'CREATE', InvocationPoint: 'PRE_PROVISION' },
  { TargetName: 'AWS::SageMaker::NotebookInstance', Action: 'UPDATE', InvocationPoint: 'PRE_PROVISION' },
];

function hookFunction(json: TemplateJson): [string, Record<string, unknown>] {
  const functions = resourcesOfType(json, 'AWS::Lambda::Function').filter(([, properties]) =>
    String(properties.Description).includes('CloudFormation hook'),
  );
  if (functions.length !== 1) throw new Error(`expected one hook function, found ${functions.length}`);
  return functions[0] as [string, Record<string, unknown>];
}

describe('cloudFormationHook in a single account', () => {
  const { json, guard } = synthesize(MODES.cloudFormationHook);
  const [functionId, fn] = hookFunction(json);
  const [, hook] = onlyResource(json, LAMBDA_HOOK);

  it('deploys a LambdaHook on notebook creates and updates only, failing them in fail mode', () => {
    expect(hook).toEqual({
      Alias: 'Private::SageMaker::SagemakerNotebookVpcGuard',
      ExecutionRole: expect.objectContaining({ 'Fn::GetAtt': [expect.any(String), 'Arn'] }),
      FailureMode: 'FAIL',
      HookStatus: 'ENABLED',
      LambdaFunction: { 'Fn::GetAtt': [functionId, 'Arn'] },
      TargetOperations: ['RESOURCE', 'CLOUD_CONTROL'],
      TargetFilters: { Targets: NOTEBOOK_TARGETS },
    });
  });

  it('the hook Lambda is the prebuilt dist/hook bundle, told the rule’s own parameters', () => {
    expect(fn).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 20 });
    const environment = (fn.Environment as { Variables: Record<string, string> }).Variables;
    expect(parseRuleParameters(environment.RULE_PARAMETERS)).toEqual(guard.settings.ruleParameters);
    expect(environment).not.toHaveProperty('MEMBER_ACCOUNT_ROLE_NAME');
  });

  it('the hook Lambda may only describe subnets, route tables and security groups (and write its logs)', () => {
    const statements = roleStatements(json, roleIdOf(fn.Role));
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !action.startsWith('logs:')).sort()).toEqual([...HOOK_ACTIONS].sort());
  });

  it('the execution role is CloudFormation’s (this account only) and may invoke only the hook Lambda', () => {
    const roleId = roleIdOf(hook.ExecutionRole);
    const role = json.Resources[roleId]?.Properties as { AssumeRolePolicyDocument: { Statement: unknown[] } };
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'hooks.cloudformation.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(roleStatements(json, roleId)).toEqual([
      {
        Sid: 'InvokeHook',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [functionId, 'Arn'] },
      },
    ]);
  });

  it('warn mode warns instead; off (the default) deploys no hook and no hook Lambda', () => {
    const warn = synthesize({ ...MODES.singleAccount, cloudFormationHook: 'warn' }).json;
    expect(onlyResource(warn, LAMBDA_HOOK)[1].FailureMode).toBe('WARN');
    const off = synthesize(MODES.singleAccount).json;
    expect(resourcesOfType(off, LAMBDA_HOOK)).toEqual([]);
    expect(() => hookFunction(off)).toThrow('found 0');
  });
});

describe('cloudFormationHook in organization mode', () => {
  const { json, guard } = synthesize(MODES.organizationHook);
  const member = guard.organization?.memberTemplate?.stack;
  if (!member) throw new Error('no member template');
  const memberJson = Template.fromStack(member).toJSON() as TemplateJson;
  const [functionId, fn] = hookFunction(json);

  it('the admin account runs the hook Lambda under fixed names, assuming the members’ read-only hook role', () => {
    expect(fn.FunctionName).toBe('sagemaker-notebook-vpc-guard-hook');
    const role = json.Resources[roleIdOf(fn.Role)]?.Properties;
    expect(role?.RoleName).toEqual({
      'Fn::Join': ['', ['sagemaker-notebook-vpc-guard-hook-', { Ref: 'AWS::Region' }]],
    });
    const environment = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(environment.MEMBER_ACCOUNT_ROLE_NAME).toEqual({
      'Fn::Join': ['', ['SageMakerNotebookVpcGuardMember-hook-', { Ref: 'AWS::Region' }]],
    });
    expect(roleStatements(json, roleIdOf(fn.Role))).toContainEqual(
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
      }),
    );
    expect(resourcesOfType(json, LAMBDA_HOOK)).toEqual([]);
  });

  it('only principals of the organization may invoke it (or only the listed member accounts)', () => {
    const invokers = (template: TemplateJson, id: string) =>
      resourcesOfType(template, 'AWS::Lambda::Permission')
        .map(([, properties]) => properties)
        .filter(
          (properties) =>
            JSON.stringify(properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
        );
    expect(invokers(json, functionId)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        Principal: '*',
        PrincipalOrgID: 'o-a1b2c3d4e5',
      },
    ]);
    const listed = synthesize({
      ...MODES.organizationHook,
      organization: { ...MODES.organizationHook.organization, memberAccountIds: ['444455556666'] },
    }).json;
    const [listedId] = hookFunction(listed);
    expect(invokers(listed, listedId).map((p) => p.Principal)).toEqual(['444455556666']);
  });

  it('every member account gets the hook (warn), calling its region’s admin Lambda, and a read-only role for it', () => {
    const [, hook] = onlyResource(memberJson, LAMBDA_HOOK);
    expect(hook).toMatchObject({ FailureMode: 'WARN', TargetFilters: { Targets: NOTEBOOK_TARGETS } });
    expect(JSON.stringify(hook.LambdaFunction)).toBe(
      JSON.stringify({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':lambda:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: MEMBER_PARAMETERS.adminAccountId },
            ':function:sagemaker-notebook-vpc-guard-hook',
          ],
        ],
      }),
    );
    const [readRoleId, readRole] =
      resourcesOfType(memberJson, 'AWS::IAM::Role').find(([id]) => id.startsWith('HookReadRole')) ?? [];
    expect(JSON.stringify(readRole?.AssumeRolePolicyDocument)).toContain(
      `":iam::",{"Ref":"${MEMBER_PARAMETERS.adminAccountId}"},":role/sagemaker-notebook-vpc-guard-hook-",{"Ref":"AWS::Region"}`,
    );
    expect(
      roleStatements(memberJson, readRoleId ?? '')
        .flatMap((s) => [s.Action].flat())
        .sort(),
    ).toEqual([...HOOK_ACTIONS].sort());
  });

  it('a rule name too long for the fixed role name is refused at synth', () => {
    expect(() => synthesize({ ...MODES.organizationHook, ruleName: `a${'b'.repeat(50)}` })).toThrow(
      /cloudFormationHook.*at most 43 characters/,
    );
  });
});
