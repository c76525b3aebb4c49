/** `--template`: a real `cdk synth` template and a hand-written YAML template with short-form intrinsics. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS } from '../../../rule/parameters';
import { readCloudFormationTemplate } from '../../../rule/scan/cloudformation';
import { ScanInputError } from '../../../rule/scan/planned';
import { exitStatus } from '../../../rule/scan/scan';
import { notebooksWithNetwork } from '../../fixtures/cdk-notebooks';
import { exampleAccountNetwork, outcome, scanTemplate } from './support';

const YAML_TEMPLATE = readFileSync(
  join(import.meta.dirname, '../../fixtures/cloudformation/notebooks.yaml'),
  'utf8',
);
const strict = { ...DEFAULT_PARAMETERS, forbidOpenIngress: true, exemptionTagKey: 'vpc-guard:exempt' };

/** A CDK app as a team would write it, synthesized by aws-cdk-lib itself: the template `cdk synth` writes. */
function synthesizedNotebooks() {
  const app = new App({
    outdir: join(import.meta.dirname, '../../../cdk.out/scan-test'),
    analyticsReporting: false,
  });
  const stack = new Stack(app, 'MlNotebooks');
  const { vpc, publicSubnet, open } = notebooksWithNetwork(stack, 22);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const logicalId = (value: string) => (stack.resolve(value) as { Ref: string }).Ref;
  return {
    text: readFileSync(join(assembly.directory, artifact.templateFile), 'utf8'),
    publicRouteTable: logicalId(publicSubnet.routeTable.routeTableId),
    internetGateway: logicalId(vpc.internetGatewayId ?? ''),
    openGroup: stack.getLogicalId(open.node.defaultChild as ec2.CfnSecurityGroup),
  };
}

describe('CloudFormation template scan: a real cdk synth template', () => {
  const synthesized = synthesizedNotebooks();

  it('resolves Ref / Fn::GetAtt to the template’s subnets, route tables, routes, gateways and groups', async () => {
    const scan = await scanTemplate(synthesized.text, strict);
    expect(outcome(scan, 'Private')).toEqual({
      compliance: 'COMPLIANT',
      annotation: undefined,
      failed: [],
      unevaluated: [],
    });
    expect(outcome(scan, 'Public')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation:
        `Public subnet: ${synthesized.publicRouteTable} routes 0.0.0.0/0 to ${synthesized.internetGateway}; ` +
        `Open ingress: ${synthesized.openGroup} from 0.0.0.0/0`,
      failed: ['S6', 'S7'],
    });
    expect(outcome(scan, 'NoSubnet')).toMatchObject({
      annotation: 'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
    });
  });

  it('an existing subnet and group: "could not be evaluated offline" for the checks needing them, exit 2', async () => {
    const scan = await scanTemplate(synthesized.text, strict);
    expect(outcome(scan, 'Existing')).toMatchObject({
      compliance: undefined,
      unevaluated: [
        'S6: could not be evaluated offline: subnet subnet-0aa11bb22cc33dd44 is not defined in the file (--live looks it up read-only)',
        'S7: could not be evaluated offline: security group(s) sg-0d1e2f3a4b5c6d7e8 not defined in the file (--live looks it up read-only)',
      ],
    });
    expect(exitStatus(scan, true)).toBe(2);
  });

  it('with --live, what the template does not define is looked up read-only', async () => {
    const scan = await scanTemplate(synthesized.text, strict, exampleAccountNetwork());
    expect(outcome(scan, 'Existing')).toEqual({
      compliance: 'COMPLIANT',
      annotation: undefined,
      failed: [],
      unevaluated: [],
    });
  });

  it('locates each notebook by logical id and line', () => {
    const planned = readCloudFormationTemplate(synthesized.text, 'App.template.json');
    const line = synthesized.text.split('\n').findIndex((text) => text.includes('"Public": {')) + 1;
    expect(planned.notebooks.find((n) => n.location.name === 'Public')?.location).toMatchObject({
      file: 'App.template.json',
      line,
    });
  });
});

describe('CloudFormation template scan: YAML with short-form intrinsics', () => {
  it('reads !Ref, !GetAtt, !Sub and separate ingress rules', async () => {
    const scan = await scanTemplate(YAML_TEMPLATE, strict);
    expect(outcome(scan, 'PrivateNotebook')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: 'Open ingress: NotebookGroup from ::/0',
    });
    expect(outcome(scan, 'PublicNotebook').annotation).toBe(
      'Public subnet: PublicRoutes routes 0.0.0.0/0 to Gateway; Open ingress: NotebookGroup from ::/0',
    );
    expect(outcome(scan, 'ExemptNotebook')).toMatchObject({
      compliance: 'NOT_APPLICABLE',
      annotation: 'Exempt: tagged vpc-guard:exempt',
    });
  });

  it('a parameter or an import cannot be known before deployment: not evaluated, with the reason', async () => {
    const scan = await scanTemplate(YAML_TEMPLATE, DEFAULT_PARAMETERS, exampleAccountNetwork());
    expect(outcome(scan, 'ChosenAtDeployNotebook').unevaluated).toEqual([
      'S2: cannot be known before deployment: ChosenAtDeployNotebook.SubnetId is parameter NotebookSubnet',
      'S5: cannot be known before deployment: ChosenAtDeployNotebook.SubnetId is parameter NotebookSubnet',
      'S6: cannot be known before deployment: ChosenAtDeployNotebook.SubnetId is parameter NotebookSubnet',
    ]);
    expect(outcome(scan, 'SharedNetworkNotebook').unevaluated[0]).toBe(
      'S2: cannot be known before deployment: SharedNetworkNotebook.SubnetId is computed with Fn::ImportValue',
    );
  });

  it('finds YAML line numbers', () => {
    const planned = readCloudFormationTemplate(YAML_TEMPLATE, 'notebooks.yaml');
    const line = YAML_TEMPLATE.split('\n').indexOf('  PublicNotebook:') + 1;
    expect(planned.notebooks.find((n) => n.location.name === 'PublicNotebook')?.location).toEqual({
      file: 'notebooks.yaml',
      name: 'PublicNotebook',
      line,
      column: 3,
    });
  });

  it.each([
    ['Resources: [', /^t.yaml: not valid JSON or YAML \(line 1, column \d+\): /],
    [
      '{"Resources": {"A": {"Type": "X"}, "A": {"Type": "Y"}}}',
      /^t.yaml: not valid JSON or YAML .*Map keys must be unique/,
    ],
    ['AWSTemplateFormatVersion: "2010-09-09"', /^t.yaml: not a CloudFormation template \(no Resources\)$/],
    ['Resources:\n  N:\n    Properties: {}', /^t.yaml: resource N has no Type$/],
    [
      'Resources:\n  N:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      SubnetId: !Ref Nowhere',
      /^t.yaml: N.SubnetId refers to Nowhere, which the template does not define$/,
    ],
    ['- just\n- a list', /^t.yaml: not a CloudFormation template \(the document is not a mapping\)$/],
  ])('a malformed template is one line naming the file and the problem (%#)', (text, message) => {
    expect(() => readCloudFormationTemplate(text, 't.yaml')).toThrow(ScanInputError);
    expect(() => readCloudFormationTemplate(text, 't.yaml')).toThrow(message);
  });
});
