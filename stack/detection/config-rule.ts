/**
 * The stand-alone Config rule (deployment `config-rule`), its invoke permission and, when a remediation
 * target is set, its remediation configuration.
 */
import { Aws, CfnResource } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IDependable } from 'constructs';
import { toInputParameters } from '../../rule/parameters';
import type { GuardSettings } from '../settings/index';
import { allowConfigToInvoke } from './config-invoke';
import {
  configRuleProperties,
  literalTarget,
  type RemediationBindings,
  remediationProperties,
} from './config-resources';

export interface StandaloneConfigRuleProps {
  readonly settings: GuardSettings;
  readonly ruleFunction: lambda.IFunction;
  readonly remediation: RemediationBindings;
  /** What the runbook needs in place before Config may start it (the document, the role and its policy). */
  readonly remediationDependsOn: IDependable;
}

export class StandaloneConfigRule extends Construct {
  readonly rule: CfnResource;
  readonly remediation?: CfnResource;

  constructor(scope: Construct, id: string, props: StandaloneConfigRuleProps) {
    super(scope, id);
    const { settings, ruleFunction } = props;
    const permission = allowConfigToInvoke(this, 'ConfigInvokePermission', ruleFunction, Aws.ACCOUNT_ID);
    this.rule = new CfnResource(this, 'Rule', {
      type: 'AWS::Config::ConfigRule',
      properties: configRuleProperties(
        settings,
        ruleFunction.functionArn,
        toInputParameters(settings.ruleParameters),
      ),
    });
    // Config invokes the function as soon as the rule exists.
    this.rule.node.addDependency(permission);
    if (settings.remediationTarget) {
      const remediation = remediationProperties(
        settings,
        props.remediation,
        literalTarget(settings.remediationTarget),
      );
      this.remediation = new CfnResource(this, 'Remediation', {
        type: 'AWS::Config::RemediationConfiguration',
        properties: { ...remediation, ConfigRuleName: this.rule.ref },
      });
      // Automatic remediation may start at once: not before the automation role's policy exists.
      this.remediation.node.addDependency(props.remediationDependsOn);
    }
  }
}
