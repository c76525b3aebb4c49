/**
 * NotebookVpcGuardAspect: the rule's checks at `cdk synth`, for CDK users' own apps.
 *
 *   Aspects.of(app).add(new NotebookVpcGuardAspect({ vpcIds: ['vpc-0123…'] }), { priority: AspectPriority.READONLY });
 *
 * Every CfnNotebookInstance the rule would flag gets an error annotation (a warning with `level: 'warning'`)
 * with the rule's own words and the failed checks' numbers. What the app does not define — an existing
 * subnet's route table, an existing security group's rules, a parameter — cannot be known at synth: those
 * checks get an info annotation saying they are left to the CloudFormation hook and the Config rule.
 */
import { Annotations, type IAspect, Stack } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { IConstruct } from 'constructs';
import { CHECKS } from '../../rule/checks';
import { factsNeeded } from '../../rule/evaluate';
import {
  DEFAULT_PARAMETERS,
  type RuleParameters,
  toInputParameters,
  toRuleParameters,
} from '../../rule/parameters';
import { plannedFromTemplate } from '../../rule/scan/cloudformation';
import { plannedFactsWithoutLookups } from '../../rule/scan/facts';
import type { PlannedFile } from '../../rule/scan/planned';
import { judgeNotebook, type NotebookResult, prepareNotebook } from '../../rule/scan/scan';
import { stackTemplate } from './stack-template';

export interface NotebookVpcGuardAspectProps extends Partial<RuleParameters> {
  /** `error` (default) fails `cdk synth`; `warning` reports and lets it pass. */
  readonly level?: 'error' | 'warning';
}

/** Reasons for checks that need what only the deployed account knows. */
const AT_SYNTH = (what: string) =>
  `not known at synth: ${what}; left to the CloudFormation hook and the Config rule`;

export class NotebookVpcGuardAspect implements IAspect {
  readonly parameters: RuleParameters;
  private readonly level: 'error' | 'warning';

  constructor(props: NotebookVpcGuardAspectProps = {}) {
    const { level = 'error', ...parameters } = props;
    // The rule's own parser validates (a typo must not silently weaken the checks).
    this.parameters = toRuleParameters(toInputParameters({ ...DEFAULT_PARAMETERS, ...parameters }));
    this.level = level;
  }

  visit(node: IConstruct): void {
    if (!(node instanceof sagemaker.CfnNotebookInstance)) return;
    const result = this.resultOf(node);
    const annotations = Annotations.of(node);
    if (result.error) {
      annotations.addError(`[sagemaker-notebook-vpc-guard] could not be evaluated: ${result.error}`);
      return;
    }
    if (result.compliance === 'NON_COMPLIANT') {
      const checks = result.failed
        .map((failure) => `${failure.check} ${CHECKS[failure.check].name}`)
        .join(', ');
      const message = `[sagemaker-notebook-vpc-guard] ${result.annotation} (failed checks: ${checks})`;
      if (this.level === 'error') annotations.addError(message);
      else annotations.addWarningV2('sagemaker-notebook-vpc-guard:NonCompliant', message);
    }
    for (const check of result.unevaluated) {
      annotations.addInfo(
        `[sagemaker-notebook-vpc-guard] ${check.check} ${CHECKS[check.check].name} ${check.reason}`,
      );
    }
  }

  /** The notebook judged by the rule's checks on what its stack defines. */
  resultOf(notebook: sagemaker.CfnNotebookInstance): NotebookResult {
    const stack = Stack.of(notebook);
    const planned = this.plannedOf(stack);
    const logicalId = stack.getLogicalId(notebook);
    const entry = planned.notebooks.find((candidate) => candidate.location.name === logicalId);
    if (!entry) throw new Error(`notebook ${logicalId} is missing from the view of stack ${stack.stackName}`);
    const prepared = prepareNotebook(entry, this.parameters);
    if ('result' in prepared) return prepared.result;
    const needed = factsNeeded(prepared.notebook, this.parameters);
    return judgeNotebook(
      entry,
      prepared.notebook,
      plannedFactsWithoutLookups(entry, needed, planned, AT_SYNTH),
      this.parameters,
    );
  }

  /**
   * Read afresh for each notebook: other aspects (Tags.of(…).add, which the exemption tag may come from) may
   * have changed the stack since the last notebook was visited.
   */
  private plannedOf(stack: Stack): PlannedFile {
    return plannedFromTemplate(stackTemplate(stack), {
      file: stack.templateFile,
      scope: `stack ${stack.stackName}`,
      locate: () => ({}),
      // A token of another stack: what it names is not in this stack's view.
      undefinedReference: (where, name) => ({
        kind: 'unknown',
        reason: AT_SYNTH(`${where} refers to ${name}, defined outside stack ${stack.stackName}`),
      }),
    });
  }
}
