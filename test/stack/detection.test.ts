/**
 * The default deployment — `npm run synth` with no context: the rule Lambda, its least-privilege role, the
 * Config rule and its invoke permission, plus the runbook, its role and the backup bucket, but no
 * remediation configuration (no target to recreate notebooks in).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS, toInputParameters } from '../../rule/parameters';
import { RULE_ACTIONS } from '../../stack/detection/rule-access';
import { RULE_FUNCTION_MEMORY_MB } from '../../stack/detection/rule-function';
import {
  actionsOf,
  MODES,
  onlyResource,
  resourcesOfType,
  roleIdOf,
  roleStatements,
  type Statement,
  synthesize,
} from './support';

const { json } = synthesize(MODES.noContext);
const [functionId, fn] = onlyResource(json, 'AWS::Lambda::Function');
const functionRoleId = roleIdOf(fn.Role);

describe('rule Lambda', () => {
  it('runs on nodejs22.x or newer, sized for a sweep of thousands of notebooks', () => {
    const version = /^nodejs(\d+)\.x$/.exec(String(fn.Runtime))?.[1];
    expect(Number(version)).toBeGreaterThanOrEqual(22);
    expect(fn.Timeout).toBe(900);
    expect(fn.MemorySize).toBe(RULE_FUNCTION_MEMORY_MB);
    expect(fn.Handler).toBe('index.handler');
    // A stand-alone rule's results reach Security Hub through its Config integration: no import of its own.
    expect(fn.Environment).toEqual({ Variables: { SECURITY_HUB_FINDINGS: 'off' } });
  });

  it('logs to its own log group with a retention', () => {
    const [logGroupId, logGroup] = onlyResource(json, 'AWS::Logs::LogGroup');
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect(logGroup.RetentionInDays).toBe(365);
  });

  it('has a role that allows exactly the APIs the rule calls, plus writing its logs', () => {
    const [, role] = Object.entries(json.Resources).find(([id]) => id === functionRoleId) ?? [];
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(role?.Properties?.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
    const statements = roleStatements(json, functionRoleId);
    const ruleStatements = statements.filter(
      (statement) => !actionsOf([statement]).some((a) => a.startsWith('logs:')),
    );
    expect(actionsOf(ruleStatements)).toEqual([...RULE_ACTIONS].sort());
    expect(actionsOf(statements).filter((action) => action.startsWith('logs:'))).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('scopes what IAM can scope: notebooks, Config rules of this account, its own log group', () => {
    const statements = roleStatements(json, functionRoleId);
    const resourceOf = (action: string) =>
      JSON.stringify(
        statements.find((statement: Statement) => [statement.Action].flat().includes(action))?.Resource,
      );
    expect(resourceOf('sagemaker:DescribeNotebookInstance')).toContain(':notebook-instance/*');
    expect(resourceOf('sagemaker:ListTags')).toContain(':notebook-instance/*');
    expect(resourceOf('config:GetComplianceDetailsByConfigRule')).toContain(':config-rule/*');
    expect(resourceOf('logs:PutLogEvents')).toMatch(/GetAtt.*Logs.*Arn/);
    const wildcard = statements.filter((statement) => statement.Resource === '*');
    expect(actionsOf(wildcard)).toEqual(
      [
        'config:PutEvaluations',
        'config:GetResourceConfigHistory',
        'config:ListDiscoveredResources',
        'sagemaker:ListNotebookInstances',
        'ec2:DescribeSubnets',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroups',
      ].sort(),
    );
  });
});

describe('Config rule', () => {
  const [ruleId, rule] = onlyResource(json, 'AWS::Config::ConfigRule');
  const [permissionId, permission] = onlyResource(json, 'AWS::Lambda::Permission');

  it('is a custom Lambda rule on notebook instances, triggered by both change types and a schedule', () => {
    expect(rule).toMatchObject({
      ConfigRuleName: 'sagemaker-notebook-vpc-guard',
      Scope: { ComplianceResourceTypes: ['AWS::SageMaker::NotebookInstance'] },
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: { 'Fn::GetAtt': [functionId, 'Arn'] },
        SourceDetails: [
          { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
          { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
          {
            EventSource: 'aws.config',
            MessageType: 'ScheduledNotification',
            MaximumExecutionFrequency: 'TwentyFour_Hours',
          },
        ],
      },
    });
  });

  it("passes the rule's parameters as the rule's own serializer writes them", () => {
    expect(rule.InputParameters).toEqual(toInputParameters(DEFAULT_PARAMETERS));
  });

  it('may be invoked by Config acting for this account only, and is created after that permission', () => {
    expect(permission).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(json.Resources[ruleId]?.DependsOn).toContain(permissionId);
  });

  it('follows the schedule setting', () => {
    const { json: hourly } = synthesize({ schedule: 'One_Hour' });
    const [, hourlyRule] = onlyResource(hourly, 'AWS::Config::ConfigRule');
    expect(JSON.stringify(hourlyRule.Source)).toContain('"MaximumExecutionFrequency":"One_Hour"');
  });
});

describe('without a remediation target', () => {
  it('deploys no remediation configuration and no Security Hub action (nothing to recreate into)', () => {
    for (const type of [
      'AWS::Config::RemediationConfiguration',
      'AWS::SecurityHub::ActionTarget',
      'AWS::StepFunctions::StateMachine',
      'AWS::Events::Rule',
    ]) {
      expect(resourcesOfType(json, type)).toEqual([]);
    }
  });

  it('still deploys the runbook, its role and a backup bucket, for running it by hand', () => {
    expect(resourcesOfType(json, 'AWS::SSM::Document')).toHaveLength(2);
    expect(resourcesOfType(json, 'AWS::S3::Bucket')).toHaveLength(1);
    expect(Object.keys(json.Outputs ?? {}).map((id) => id.replace(/^Guard|[0-9A-F]{8}$/g, ''))).toEqual(
      expect.arrayContaining([
        'RuleFunctionName',
        'ConfigRuleName',
        'RunbookName',
        'AutomationRoleArn',
        'BackupBucketName',
        'NotebookRolePolicyArn',
      ]),
    );
  });
});
