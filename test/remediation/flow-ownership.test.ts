/**
 * Issue 14 in the flow simulation: a notebook that CloudFormation (or CDK) or Terraform owns is never recreated
 * behind its owner's back — refused before any change unless an operator accepts it (AllowIacOwnedNotebook), and
 * never when AWS Config's remediation (automatic or the console's button) started the run.
 */
import { expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import {
  expectDataRestored,
  expectMovedWithEverything,
  expectUntouched,
  notebook,
} from './simulation/expectations';
import { CONFIG_REMEDIATION } from './simulation/interpreter';
import {
  addNotebook,
  DEPLOYED_SETTINGS,
  HAND_DEPLOYED,
  newAccount,
  objectsEndingWith,
  pythonBridgePerFile,
  remediate,
  STACK_TAGS,
  TARGET_GROUPS,
  TARGET_SUBNET,
  TERRAFORM_TAGS,
} from './simulation/world';

const python = pythonBridgePerFile();

withBoto3.describe('a notebook its code owns is refused before any change', () => {
  it('a CloudFormation-tagged notebook is refused with no change, naming its stack and what to do', async () => {
    const aws = newAccount();
    const before = addNotebook(aws, { tags: STACK_TAGS });
    const run = await remediate(aws, python());
    expect(run.status).toBe('Failed');
    expect(run.failure).toMatch(
      /^ResolveNotebook: ValueError: Notebook MyNotebook is managed by CloudFormation stack analytics-prod: fix the template \(set SubnetId, SecurityGroupIds and DirectInternetAccess there\)/,
    );
    expect(run.failure).toMatch(
      /Mode=BackupOnly.*Mode=RestoreOnly.*AllowIacOwnedNotebook=true.*Nothing was changed/,
    );
    expectUntouched(aws, before);
  });

  it('a Terraform-marked notebook (ManagedBy=terraform from default_tags) is refused, naming the tag', async () => {
    const aws = newAccount();
    const before = addNotebook(aws, { tags: TERRAFORM_TAGS });
    const run = await remediate(aws, python());
    expect(run.failure).toMatch(
      /MyNotebook is managed by Terraform \(tag ManagedBy=terraform\): fix the code/,
    );
    expectUntouched(aws, before);
  });

  it('the same CloudFormation-tagged notebook with AllowIacOwnedNotebook=true: remediated, and the output says its stack now disagrees', async () => {
    const aws = newAccount();
    addNotebook(aws, { tags: STACK_TAGS });
    const run = await remediate(aws, python(), { AllowIacOwnedNotebook: 'true' });
    expect(run.failure).toBeUndefined();
    expect(run.outputs.get('ResolveNotebook.Result')).toMatch(
      /AllowIacOwnedNotebook=true: MyNotebook is managed by CloudFormation stack analytics-prod, which still describes the old network: change it there before its next deployment, or that deployment replaces the notebook/,
    );
    // Moved with everything; the aws: tags cannot be set again (the stack's own), the manifest keeps them.
    expectMovedWithEverything(aws, 'InService');
    expectDataRestored(aws);
    const [manifest] = objectsEndingWith(aws, '/manifest.json');
    expect(manifest?.Tags).toEqual(expect.arrayContaining(STACK_TAGS));
  });

  it('markers the caller passes add to the deployed ones, never replace them', async () => {
    const aws = newAccount();
    const before = addNotebook(aws, { tags: STACK_TAGS });
    const run = await remediate(aws, python(), { IacOwnershipTagKeys: ['iac-repo'] });
    expect(run.failure).toMatch(/managed by CloudFormation stack analytics-prod/);
    expectUntouched(aws, before);
  });

  it("the deployment's own markers (the rule's IacOwnershipTagKeys) are checked", async () => {
    const aws = newAccount({
      ...DEPLOYED_SETTINGS,
      Rule: { ...DEPLOYED_SETTINGS.Rule, IacOwnershipTagKeys: 'iac-repo' },
    });
    const before = addNotebook(aws, { tags: [{ Key: 'iac-repo', Value: 'github.com/acme/ml' }] });
    const run = await remediate(aws, python());
    expect(run.failure).toMatch(/is managed as code \(tag iac-repo=github.com\/acme\/ml\): fix the code/);
    expectUntouched(aws, before);
  });

  it('a runbook deployed by hand trusts the markers it is given (here: none of the notebook’s tags)', async () => {
    const aws = newAccount(HAND_DEPLOYED);
    addNotebook(aws, { tags: STACK_TAGS });
    const run = await remediate(aws, python(), { IacOwnershipTagKeys: ['iac-repo'] });
    expect(run.failure).toBeUndefined();
    expect(notebook(aws).settings.SubnetId).toBe(TARGET_SUBNET);
  });

  it.each([
    ['recorded as its service-linked role', CONFIG_REMEDIATION],
    ['not recorded so (unconfirmed): the stack never passes AllowIacOwnedNotebook', ''],
  ])(
    "a run AWS Config's remediation started never recreates an owned notebook, whatever AllowIacOwnedNotebook says (%s)",
    async (_case, executedBy) => {
      const aws = newAccount();
      const before = addNotebook(aws, { tags: TERRAFORM_TAGS });
      // The stack's remediation configuration passes only the target (stack/detection/config-resources.ts): a
      // configuration made by hand might pass AllowIacOwnedNotebook=true.
      const parameters = executedBy ? { AllowIacOwnedNotebook: 'true' } : {};
      const run = await remediate(aws, python(), parameters, { executedBy });
      expect(run.failure).toMatch(/managed by Terraform/);
      if (executedBy) expect(run.failure).toMatch(/started by AWS Config's remediation/);
      expectUntouched(aws, before);
    },
  );

  it('an owned notebook that is already where it should be: nothing to do, nothing refused', async () => {
    const aws = newAccount();
    addNotebook(aws, {
      tags: STACK_TAGS,
      settings: { SubnetId: TARGET_SUBNET, SecurityGroups: TARGET_GROUPS, DirectInternetAccess: 'Disabled' },
    });
    const run = await remediate(aws, python());
    expect(run.status).toBe('Success');
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a run that already deleted an owned notebook (accepted) is resumed without being asked again', async () => {
    const aws = newAccount();
    addNotebook(aws, { tags: STACK_TAGS });
    aws.sagemaker.createFailuresLeft = 4;
    const first = await remediate(aws, python(), { AllowIacOwnedNotebook: 'true' });
    expect(first.failure).toMatch(/^CreateNotebook: /);
    const rerun = await remediate(aws, python());
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeCreate');
    expect(rerun.failure).toBeUndefined();
    expectDataRestored(aws);
  });
});
