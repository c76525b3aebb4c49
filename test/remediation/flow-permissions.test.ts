/**
 * The flow simulation (see flow.test.ts): before anything changes, ResolveNotebook asks IAM's policy
 * simulation whether the automation role may create the notebook again (pass its role to SageMaker, use its
 * volume key). A role or key it may not use stops the run with nothing changed; so does a check that cannot
 * run, unless AllowUncheckedPermissions=true, and then the last scenario shows what the check is for.
 */
import { expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import { expectDataRestored, expectUntouched, notebook } from './simulation/expectations';
import type { FakeAws } from './simulation/fake-aws';
import { FakeSageMaker } from './simulation/fake-sagemaker';
import {
  addNotebook,
  KEY_ALIAS,
  KEY_ARN,
  NAME,
  newAccount,
  objectsEndingWith,
  PARAMETERS,
  pythonBridgePerFile,
  ROLE_ARN,
  remediate,
  TARGET_GROUPS,
  TARGET_SUBNET,
} from './simulation/world';

const python = pythonBridgePerFile();

const simulations = (aws: FakeAws) =>
  aws.calls.filter((call) => call.operation === 'SimulatePrincipalPolicy');
const context = (key: string, values: string[], type = 'string') => ({
  ContextKeyName: key,
  ContextKeyValues: values,
  ContextKeyType: type,
});

withBoto3.describe('flow simulation: may the automation role recreate the notebook?', () => {
  it('simulates passing the role to SageMaker and the grant on the volume key before any change', async () => {
    const aws = newAccount();
    addNotebook(aws);
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    const role = PARAMETERS.AutomationAssumeRole;
    expect(simulations(aws).map((call) => call.params)).toEqual([
      {
        PolicySourceArn: role,
        ActionNames: ['sagemaker:CreateNotebookInstance'],
        ResourceArns: [FakeSageMaker.arn(NAME)],
        ContextEntries: [
          context('sagemaker:VpcSubnets', [TARGET_SUBNET], 'stringList'),
          context('sagemaker:VpcSecurityGroupIds', [...TARGET_GROUPS].sort(), 'stringList'),
          context('sagemaker:DirectInternetAccess', ['Disabled']),
          context('sagemaker:RootAccess', ['Disabled']),
          context('sagemaker:InstanceTypes', ['ml.t3.medium'], 'stringList'),
        ],
      },
      {
        PolicySourceArn: role,
        ActionNames: ['iam:PassRole'],
        ResourceArns: [ROLE_ARN],
        ContextEntries: [context('iam:PassedToService', ['sagemaker.amazonaws.com'])],
      },
      {
        PolicySourceArn: role,
        ActionNames: ['kms:CreateGrant', 'kms:DescribeKey'],
        ResourceArns: [KEY_ARN],
        ContextEntries: [
          context('kms:ViaService', ['sagemaker.eu-west-1.amazonaws.com']),
          context('kms:GrantIsForAWSResource', ['true'], 'boolean'),
        ],
      },
    ]);
    const firstChange = aws.calls.findIndex((call) => aws.mutatingCalls().includes(call));
    const lastSimulation = aws.calls.findLastIndex((call) => call.operation === 'SimulatePrincipalPolicy');
    expect(lastSimulation).toBeLessThan(firstChange);
  });

  it('a notebook role it may not pass: refused naming the role and allowedNotebookRoles, nothing changed', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    aws.iam.passableRoles.clear();
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Failed');
    expect(execution.failure).toContain(
      `may not recreate ${NAME}: iam:PassRole on ${ROLE_ARN} (implicitDeny; stack setting allowedNotebookRoles)`,
    );
    expectUntouched(aws, before);
  });

  it('a volume key it may not use: refused naming the key and notebookKmsKeyArns, nothing changed', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    aws.iam.usableKeys.clear();
    const execution = await remediate(aws, python());
    expect(execution.failure).toContain(
      `kms:CreateGrant on ${KEY_ARN} (implicitDeny; stack setting notebookKmsKeyArns)`,
    );
    expectUntouched(aws, before);
  });

  it('a key named by its alias is checked by its key ARN, and kept as the notebook named it', async () => {
    const aws = newAccount();
    addNotebook(aws, { settings: { KmsKeyId: KEY_ALIAS } });
    const execution = await remediate(aws, python());
    expect(execution.status).toBe('Success');
    expect(simulations(aws).at(-1)?.params.ResourceArns).toEqual([KEY_ARN]);
    expect(notebook(aws).settings.KmsKeyId).toBe(KEY_ALIAS);
    expectDataRestored(aws);
  });

  it('an aliased key it may not describe: refused, nothing changed', async () => {
    const aws = newAccount();
    const before = addNotebook(aws, { settings: { KmsKeyId: KEY_ALIAS } });
    aws.iam.usableKeys.clear();
    const execution = await remediate(aws, python());
    expect(execution.failure).toMatch(
      new RegExp(`Cannot describe the notebook's KMS key ${KEY_ALIAS} \\(AccessDeniedException\\)`),
    );
    expectUntouched(aws, before);
  });

  it('a check that cannot run refuses; AllowUncheckedPermissions=true goes on and says it was skipped', async () => {
    const aws = newAccount();
    const before = addNotebook(aws);
    aws.iam.maySimulate = false;
    const refused = await remediate(aws, python());
    expect(refused.failure).toMatch(
      /iam:SimulatePrincipalPolicy on itself failed \(AccessDenied\).*AllowUncheckedPermissions=true/,
    );
    expectUntouched(aws, before);

    const unchecked = await remediate(aws, python(), { AllowUncheckedPermissions: 'true' });
    expect(unchecked.status).toBe('Success');
    expect(unchecked.outputs.get('ResolveNotebook.Result')).toMatch(
      /; permission check skipped \(iam:SimulatePrincipalPolicy AccessDenied\)$/,
    );
  });

  it('what the check prevents: unchecked, the create fails after the delete; allowed, a rerun completes', async () => {
    const aws = newAccount();
    addNotebook(aws);
    aws.iam.maySimulate = false;
    aws.iam.passableRoles.clear();
    const first = await remediate(aws, python(), { AllowUncheckedPermissions: 'true' });
    expect(first.failure).toMatch(/^CreateNotebook: .*AccessDeniedException.*iam:PassRole/);
    expect(aws.sagemaker.notebooks.has(NAME)).toBe(false);
    expect(objectsEndingWith(aws, '/manifest.json')).toHaveLength(1);

    aws.iam.passableRoles.add(ROLE_ARN);
    aws.iam.maySimulate = true;
    const rerun = await remediate(aws, python());
    expect(rerun.outputs.get('ResolveNotebook.Mode')).toBe('ResumeCreate');
    expect(rerun.status).toBe('Success');
    expect(notebook(aws).settings.SubnetId).toBe(TARGET_SUBNET);
    expectDataRestored(aws);
  });
});
