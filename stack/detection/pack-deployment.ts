/**
 * Deploys the conformance pack template into one account (`AWS::Config::ConformancePack`): in the stack's
 * account (deployment `conformance-pack`) or in each member account (organization mode). CloudFormation
 * resolves the Lambda, runbook, role and bucket into the pack's input parameters, so Config receives the
 * automation role as a literal ARN, and the body is byte-identical to dist/conformance-pack.yaml.
 */
import * as config from 'aws-cdk-lib/aws-config';
import { Construct, type IDependable } from 'constructs';
import type { RemediationKit } from '../remediation/remediation-kit';
import { type ConformancePack, type PackTargetValues, packInputParameters } from './conformance-pack';

export interface PackDeploymentProps {
  readonly name: string;
  readonly pack: ConformancePack;
  readonly lambdaFunctionArn: string;
  /** Instead of the pack's target defaults (see PackBindings). */
  readonly target?: PackTargetValues;
  readonly kit: RemediationKit;
  /** Resources Config needs before it creates the pack (the Lambda's invoke permission). */
  readonly dependsOn: readonly IDependable[];
}

export class PackDeployment extends Construct {
  readonly conformancePack: config.CfnConformancePack;

  constructor(scope: Construct, id: string, props: PackDeploymentProps) {
    super(scope, id);
    const { bindings } = props.kit;
    this.conformancePack = new config.CfnConformancePack(this, 'Pack', {
      conformancePackName: props.name,
      templateBody: props.pack.yaml,
      conformancePackInputParameters: packInputParameters(props.pack, {
        lambdaFunctionArn: props.lambdaFunctionArn,
        runbookName: bindings.runbookName,
        automationAssumeRole: bindings.automationRoleArn,
        ...(bindings.backupBucketName !== undefined && { backupBucketName: bindings.backupBucketName }),
        ...(props.target && { target: props.target }),
      }),
    });
    // The role's policy, not just the role: a remediation must not start before it can act.
    this.conformancePack.node.addDependency(props.kit, ...props.dependsOn);
  }
}
