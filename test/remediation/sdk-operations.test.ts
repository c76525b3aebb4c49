import { describe, expect, it } from 'vitest';
import { isApiStep, RUNBOOK } from '../../remediation/index';
import { checkApiInputs, operationInput } from './sdk-operations';

describe('the SDK operation checker', () => {
  it('reads members and the required ones', () => {
    expect(operationInput('sagemaker', 'CreateNotebookInstance')?.required).toEqual([
      'NotebookInstanceName',
      'InstanceType',
      'RoleArn',
    ]);
    expect(operationInput('ec2', 'DescribeSubnets')?.members).toContain('SubnetIds');
    expect(operationInput('ec2', 'DescribeSubnets')?.required).toEqual([]);
  });

  it('accepts a valid call', () => {
    expect(
      checkApiInputs({ Service: 'sagemaker', Api: 'StopNotebookInstance', NotebookInstanceName: 'x' }),
    ).toEqual([]);
  });

  it('rejects an unknown operation or service', () => {
    expect(checkApiInputs({ Service: 'sagemaker', Api: 'StopNotebook' })).toEqual([
      'sagemaker has no operation StopNotebook',
    ]);
    expect(checkApiInputs({ Service: 'sagemakr', Api: 'StopNotebookInstance' })).toHaveLength(1);
  });

  it('rejects a create-only setting passed to UpdateNotebookInstance (no JSON schema catches this)', () => {
    expect(
      checkApiInputs({
        Service: 'sagemaker',
        Api: 'UpdateNotebookInstance',
        NotebookInstanceName: 'x',
        DirectInternetAccess: 'Disabled',
      }),
    ).toEqual(['sagemaker.UpdateNotebookInstance has no parameter DirectInternetAccess']);
  });

  it('rejects a missing required parameter, ignoring the property-step keys', () => {
    expect(
      checkApiInputs({
        Service: 'sagemaker',
        Api: 'DescribeNotebookInstance',
        PropertySelector: '$.X',
        DesiredValues: ['a'],
      }),
    ).toEqual(['sagemaker.DescribeNotebookInstance needs NotebookInstanceName']);
  });
});

describe('every native API step of the runbook', () => {
  const apiSteps = RUNBOOK.mainSteps.filter(isApiStep);

  it('exists', () => {
    expect(apiSteps.length).toBeGreaterThan(20);
  });

  it.each(apiSteps.map((step) => [step.name, step] as const))('%s matches the SDK model', (_name, step) => {
    expect(checkApiInputs(step.inputs)).toEqual([]);
  });
});
