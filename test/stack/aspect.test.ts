/** NotebookVpcGuardAspect in a CDK user's own app: errors (or warnings) naming the failed checks at synth. */
import { App, AspectPriority, Aspects, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../../rule/parameters';
import { NotebookVpcGuardAspect, type NotebookVpcGuardAspectProps } from '../../stack/aspect/index';
import { notebooksWithNetwork } from '../fixtures/cdk-notebooks';

function notebooksApp(props: NotebookVpcGuardAspectProps = {}) {
  const app = new App({ analyticsReporting: false });
  const network = new Stack(app, 'Network');
  const stack = new Stack(app, 'Notebooks');
  const { notebook } = notebooksWithNetwork(stack, 8888);
  const sharedVpc = new ec2.Vpc(network, 'Shared', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  notebook('CrossStack', {
    subnetId: sharedVpc.isolatedSubnets[0]?.subnetId ?? '',
    directInternetAccess: 'Disabled',
  });
  Tags.of(notebook('Exempt', {})).add('vpc-guard:exempt', 'lab');
  Aspects.of(app).add(
    new NotebookVpcGuardAspect({ forbidOpenIngress: true, exemptionTagKey: 'vpc-guard:exempt', ...props }),
    {
      priority: AspectPriority.READONLY,
    },
  );
  app.synth();
  return { stack, annotations: Annotations.fromStack(stack) };
}

const messagesAt = (entries: readonly { id: string; entry: { data?: unknown } }[], path: string) =>
  entries.filter((e) => e.id === path).map((e) => String(e.entry.data));

describe('NotebookVpcGuardAspect', () => {
  const { annotations } = notebooksApp();
  const errors = annotations.findError('*', Match.anyValue());
  const infos = annotations.findInfo('*', Match.anyValue());

  it('an error names the rule’s words and the failed checks for each notebook the rule would flag', () => {
    expect(messagesAt(errors, '/Notebooks/NoSubnet')).toEqual([
      '[sagemaker-notebook-vpc-guard] Runs in the SageMaker service VPC (no subnet); Direct internet access enabled ' +
        '(failed checks: S2 NotebookInCustomerVpc, S5 DirectInternetAccessDisabled)',
    ]);
    const [publicError] = messagesAt(errors, '/Notebooks/Public');
    expect(publicError).toMatch(
      /^\[sagemaker-notebook-vpc-guard\] Public subnet: VpcPublicSubnet1RouteTable\w+ routes 0\.0\.0\.0\/0 to VpcIGW\w+; Open ingress: Open\w+ from 0\.0\.0\.0\/0 \(failed checks: S6 PrivateSubnet, S7 NoOpenIngress\)$/,
    );
  });

  it('no annotation for a compliant notebook or an exempt one', () => {
    for (const path of ['/Notebooks/Private', '/Notebooks/Exempt']) {
      expect([...messagesAt(errors, path), ...messagesAt(infos, path)]).toEqual([]);
    }
  });

  it('what the app does not define is left to the hook and the rule, and said so (info, not error)', () => {
    expect(messagesAt(errors, '/Notebooks/Existing')).toEqual([]);
    expect(messagesAt(infos, '/Notebooks/Existing')).toEqual([
      '[sagemaker-notebook-vpc-guard] S6 PrivateSubnet not known at synth: subnet subnet-0aa11bb22cc33dd44 is not defined in stack Notebooks; left to the CloudFormation hook and the Config rule',
      '[sagemaker-notebook-vpc-guard] S7 NoOpenIngress not known at synth: security group(s) sg-0d1e2f3a4b5c6d7e8 not defined in stack Notebooks; left to the CloudFormation hook and the Config rule',
    ]);
    // A subnet of another stack: even whether it is a subnet is the other stack's to say.
    expect(messagesAt(infos, '/Notebooks/CrossStack')[0]).toMatch(
      /^\[sagemaker-notebook-vpc-guard\] S2 NotebookInCustomerVpc not known at synth: CrossStack.SubnetId refers to SharedIsolatedSubnet1Subnet\w+, defined outside stack Notebooks; left to the CloudFormation hook and the Config rule$/,
    );
  });

  it('with level: warning, the same findings are warnings and synth passes', () => {
    const { annotations: lenient } = notebooksApp({ level: 'warning' });
    expect(lenient.findError('*', Match.anyValue())).toEqual([]);
    expect(messagesAt(lenient.findWarning('*', Match.anyValue()), '/Notebooks/NoSubnet')[0]).toContain(
      'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled (failed checks: S2',
    );
  });

  it('the rule’s parameters are validated by the rule’s own parser', () => {
    expect(() => new NotebookVpcGuardAspect({ vpcIds: ['vpc-nope'] })).toThrow(InvalidParameterError);
    expect(new NotebookVpcGuardAspect({ subnetIds: ['subnet-0aa11bb22cc33dd44'] }).parameters).toMatchObject({
      subnetIds: ['subnet-0aa11bb22cc33dd44'],
      requirePrivateSubnet: true,
    });
  });
});
