/** The CDK construct: both guardrails off by default, each deployed exactly as generated when asked. */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  GuardrailSettingsError,
  guardrailPolicies,
  NotebookGuardrails,
  type NotebookGuardrailsProps,
} from '../../../stack/guardrails';
import { EXAMPLE_SETTINGS, EXAMPLE_TARGET } from './support';

function synth(props: NotebookGuardrailsProps): { stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'Guardrails', {
    env: { account: '111122223333', region: 'ap-northeast-1' },
  });
  const role = new iam.Role(stack, 'DataScientist', { assumedBy: new iam.AccountRootPrincipal() });
  new NotebookGuardrails(stack, 'NotebookGuardrails', {
    ...props,
    ...(props.managedPolicy && { managedPolicy: { ...props.managedPolicy, roles: [role] } }),
  });
  return { stack, template: Template.fromStack(stack) };
}

const { scp, iamPolicy } = guardrailPolicies(EXAMPLE_SETTINGS);

describe('NotebookGuardrails', () => {
  it('deploys nothing by default', () => {
    const { template } = synth({ settings: EXAMPLE_SETTINGS });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.resourceCountIs('AWS::Organizations::Policy', 0);
  });

  it('deploys the IAM managed policy with exactly the generated document, attached to the given roles', () => {
    const { template } = synth({
      settings: EXAMPLE_SETTINGS,
      managedPolicy: { managedPolicyName: 'notebook-guardrail' },
    });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.resourceCountIs('AWS::Organizations::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'notebook-guardrail',
      PolicyDocument: Match.exact(iamPolicy),
      Roles: [{ Ref: Match.stringLikeRegexp('^DataScientist') }],
    });
  });

  it('deploys the service control policy with exactly the generated document, attached to the named targets', () => {
    const targetIds = ['ou-ab12-cd34ef56', '444455556666'];
    const { template } = synth({ settings: EXAMPLE_SETTINGS, serviceControlPolicy: { targetIds } });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'sagemaker-notebook-vpc-guard',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: Match.exact(scp),
      TargetIds: targetIds,
    });
  });

  it('follows the settings: other approved groups, other policies', () => {
    const settings = { ...EXAMPLE_SETTINGS, approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9'] };
    const { template } = synth({ settings, serviceControlPolicy: { targetIds: ['r-ab12'] } });
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Content: Match.exact(guardrailPolicies(settings).scp),
    });
  });

  it.each([
    [[], 'is empty'],
    [['ou-12', 'root'], 'malformed target(s) ou-12, root'],
  ])('refuses SCP targets %j', (targetIds, message) => {
    expect(() => synth({ settings: EXAMPLE_SETTINGS, serviceControlPolicy: { targetIds } })).toThrow(
      GuardrailSettingsError,
    );
    expect(() => synth({ settings: EXAMPLE_SETTINGS, serviceControlPolicy: { targetIds } })).toThrow(message);
  });

  it('refuses settings that would deny the runbook, at synth', () => {
    const settings = {
      ...EXAMPLE_SETTINGS,
      remediationTarget: { ...EXAMPLE_TARGET, directInternetAccess: 'Enabled' as const },
    };
    expect(() => synth({ settings, managedPolicy: {} })).toThrow(GuardrailSettingsError);
  });

  it('passes cdk-nag AwsSolutions checks with nothing to acknowledge', () => {
    const { stack } = synth({
      settings: EXAMPLE_SETTINGS,
      managedPolicy: {},
      serviceControlPolicy: { targetIds: ['ou-ab12-cd34ef56'] },
    });
    const guardrails = stack.node.findChild('NotebookGuardrails');
    const report = new AwsSolutionsChecks(stack).validateScope(guardrails);
    expect(report.violations).toEqual([]);
  });
});
