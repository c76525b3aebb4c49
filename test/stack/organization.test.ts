/**
 * Organization mode: what the delegated-admin stack deploys (the Lambda with its member-role access, the
 * invoke permissions, the service-managed StackSet, the organization pack) and what the StackSet puts into
 * every member account (the member template).
 */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RUNBOOK } from '../../remediation';
import { PACK_PARAMETERS } from '../../stack/detection/conformance-pack';
import { ruleActions } from '../../stack/detection/rule-access';
import { MEMBER_PARAMETERS } from '../../stack/organization/member-account';
import {
  actionsOf,
  MODES,
  ORGANIZATION_ID,
  onlyResource,
  ROOT_OU,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  runbookDocuments,
  synthesize,
  type TemplateJson,
} from './support';

const members = synthesize(MODES.organization);
const orgPack = synthesize(MODES.organizationPack);
const memberJson = (synthesized: typeof members) =>
  Template.fromStack(
    synthesized.guard.organization?.memberTemplate?.stack ?? members.stack,
  ).toJSON() as TemplateJson;
const member = memberJson(members);
const memberOfOrgPack = memberJson(orgPack);

const [, fn] = onlyResource(members.json, 'AWS::Lambda::Function');
const functionRoleId = roleIdOf(fn.Role);
const [, stackSet] = onlyResource(members.json, 'AWS::CloudFormation::StackSet');

describe('delegated-admin account', () => {
  it('tells the Lambda which role to assume in member accounts, and to import its findings there', () => {
    expect(fn.Environment).toEqual({
      Variables: {
        MEMBER_ACCOUNT_ROLE_NAME: {
          'Fn::Join': ['', ['SageMakerNotebookVpcGuardMember-', { Ref: 'AWS::Region' }]],
        },
        SECURITY_HUB_FINDINGS: 'import',
      },
    });
  });

  it('lets the Lambda assume that role only, and only in accounts of the organization', () => {
    const assume = roleStatements(members.json, functionRoleId).filter(
      (statement) => statement.Action === 'sts:AssumeRole',
    );
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]?.Resource)).toContain(':iam::*:role/SageMakerNotebookVpcGuardMember-');
    expect(assume[0]?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } });
  });

  it('deploys no rule, pack, runbook or bucket of its own', () => {
    for (const type of [
      'AWS::Config::ConfigRule',
      'AWS::Config::ConformancePack',
      'AWS::SSM::Document',
      'AWS::S3::Bucket',
    ]) {
      expect(resourcesOfType(members.json, type)).toEqual([]);
    }
  });

  it('lets Config in the listed member accounts invoke the Lambda, or Config anywhere when none are listed', () => {
    const sources = (json: TemplateJson) =>
      resourcesOfType(json, 'AWS::Lambda::Permission').map(([, permission]) => {
        expect(permission.Principal).toBe('config.amazonaws.com');
        return permission.SourceAccount ?? 'any';
      });
    expect(sources(members.json)).toEqual(['any']);
    expect(sources(orgPack.json)).toEqual(['111122223333', '444455556666']);
  });

  it('prepares every account of the target OUs with a service-managed StackSet that auto-deploys to new accounts', () => {
    expect(stackSet).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: expect.arrayContaining(['CAPABILITY_NAMED_IAM']),
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: [ROOT_OU] }, Regions: [{ Ref: 'AWS::Region' }] },
      ],
    });
    expect(JSON.stringify(stackSet.TemplateURL)).toContain('cdk-hnb659fds-assets');
  });

  it("names the Lambda after the rule, so that each region's members can build its ARN", () => {
    expect(fn.FunctionName).toBe('sagemaker-notebook-vpc-guard');
  });

  it('hands the member template the Lambda name, the Lambda role, this account and the Security Hub action’s role', () => {
    const parameters = Object.fromEntries(
      (stackSet.Parameters as { ParameterKey: string; ParameterValue: unknown }[]).map((p) => [
        p.ParameterKey,
        p.ParameterValue,
      ]),
    );
    expect(parameters).toEqual({
      [MEMBER_PARAMETERS.ruleFunctionName]: 'sagemaker-notebook-vpc-guard',
      [MEMBER_PARAMETERS.ruleFunctionRoleArn]: { 'Fn::GetAtt': [functionRoleId, 'Arn'] },
      [MEMBER_PARAMETERS.adminAccountId]: { Ref: 'AWS::AccountId' },
      [MEMBER_PARAMETERS.securityHubActionRoleArn]: {
        'Fn::GetAtt': [expect.stringMatching(/SecurityHubStartRunbooksRole/), 'Arn'],
      },
    });
    // Exactly the parameters the member template declares (the hook's two only with cloudFormationHook on).
    expect(Object.keys(member.Parameters ?? {}).sort()).toEqual(Object.keys(parameters).sort());
  });

  it('passes exactly the parameters the member template declares (a StackSet refuses any other)', () => {
    for (const [synthesized, template] of [
      [members, member],
      [orgPack, memberOfOrgPack],
    ] as const) {
      const [, set] = onlyResource(synthesized.json, 'AWS::CloudFormation::StackSet');
      const keys = (set.Parameters as { ParameterKey: string }[]).map((p) => p.ParameterKey).sort();
      expect(keys).toEqual(Object.keys(template.Parameters ?? {}).sort());
    }
    expect(Object.keys(memberOfOrgPack.Parameters ?? {})).not.toContain(MEMBER_PARAMETERS.ruleFunctionName);
  });

  it('uploads the synthesized member template as the StackSet template', () => {
    const file = members.guard.organization?.memberTemplate?.templateFile ?? '';
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(member);
  });

  it('with coverage organization-conformance-pack, deploys one organization pack after the member roles', () => {
    expect(resourcesOfType(members.json, 'AWS::Config::OrganizationConformancePack')).toEqual([]);
    const [packId, pack] = onlyResource(orgPack.json, 'AWS::Config::OrganizationConformancePack');
    expect(pack.TemplateBody).not.toContain('RemediationConfiguration');
    expect(pack.ConformancePackInputParameters).toEqual([
      { ParameterName: PACK_PARAMETERS.lambdaFunctionArn, ParameterValue: expect.anything() },
    ]);
    const [stackSetId] = onlyResource(orgPack.json, 'AWS::CloudFormation::StackSet');
    expect(orgPack.json.Resources[packId]?.DependsOn).toContain(stackSetId);
  });
});

describe('member account template', () => {
  const [memberRoleId, memberRole] = onlyResource(
    {
      Resources: Object.fromEntries(
        Object.entries(member.Resources).filter(([id]) => id.startsWith('RuleAccessRole')),
      ),
    },
    'AWS::IAM::Role',
  );

  it('names its role exactly as the Lambda builds the member role ARN', () => {
    expect(memberRole.RoleName).toEqual(
      (fn.Environment as { Variables: Record<string, unknown> }).Variables.MEMBER_ACCOUNT_ROLE_NAME,
    );
  });

  it('has the role the Lambda assumes, trusted for the Lambda role of the admin account only', () => {
    expect(memberRole.RoleName).toEqual({
      'Fn::Join': ['', ['SageMakerNotebookVpcGuardMember-', { Ref: 'AWS::Region' }]],
    });
    expect(memberRole.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: {
            AWS: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':iam::',
                  { Ref: MEMBER_PARAMETERS.adminAccountId },
                  ':root',
                ],
              ],
            },
          },
          Condition: { ArnEquals: { 'aws:PrincipalArn': { Ref: MEMBER_PARAMETERS.ruleFunctionRoleArn } } },
        },
      ],
    });
  });

  it("lets that role read notebooks and network facts, report evaluations and import findings: exactly the rule's APIs", () => {
    expect(actionsOf(roleStatements(member, memberRoleId))).toEqual(ruleActions('import').sort());
  });

  it('holds the runbook and its check document, their automation role and a backup bucket', () => {
    const { runbook, check } = runbookDocuments(member);
    const steps = (runbook[1].Content as { mainSteps: unknown[] }).mainSteps;
    expect(steps).toHaveLength(RUNBOOK.mainSteps.length);
    expect(steps[0]).toMatchObject({ inputs: { DocumentName: { Ref: check[0] } } });
    expect(resourcesOfType(member, 'AWS::S3::Bucket')).toHaveLength(1);
    const automationRoles = resourcesOfType(member, 'AWS::IAM::Role').filter(([id]) =>
      id.includes('AutomationRole'),
    );
    expect(automationRoles).toHaveLength(1);
  });

  it("deploys the conformance pack with this account's own automation role as a literal ARN", () => {
    const [packId, pack] = onlyResource(member, 'AWS::Config::ConformancePack');
    expect(pack.TemplateBody).toBe(members.guard.conformancePack.yaml);
    const values = Object.fromEntries(
      (pack.ConformancePackInputParameters as { ParameterName: string; ParameterValue: unknown }[]).map(
        (p) => [p.ParameterName, p.ParameterValue],
      ),
    );
    // The rule Lambda of the member's own region: Config invokes a rule's Lambda in its own region only.
    expect(values[PACK_PARAMETERS.lambdaFunctionArn]).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':lambda:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: MEMBER_PARAMETERS.adminAccountId },
          ':function:',
          { Ref: MEMBER_PARAMETERS.ruleFunctionName },
        ],
      ],
    });
    expect(values[PACK_PARAMETERS.automationAssumeRole]).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/AutomationRole/), 'Arn'],
    });
    expect(member.Resources[packId]?.DependsOn).toContain(memberRoleId);
  });

  it('leaves the pack to the organization pack with coverage organization-conformance-pack', () => {
    expect(resourcesOfType(memberOfOrgPack, 'AWS::Config::ConformancePack')).toEqual([]);
    expect(resourcesOfType(memberOfOrgPack, 'AWS::SSM::Document')).toHaveLength(2);
  });

  it('needs no bootstrap and no assets (a StackSet cannot publish them)', () => {
    expect(member.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(JSON.stringify(member)).not.toContain('cdk-hnb659fds');
  });
});
