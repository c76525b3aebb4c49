/**
 * Which of the findings selected in Security Hub the "Recreate in VPC" action acts on (JSONata, evaluated by
 * Step Functions): only this rule's findings, whatever else names a notebook —
 *   - from Security Hub's AWS Config integration: ProductArn `…::product/aws/config`, GeneratorId the rule's ARN
 *     (when the stack knows it), else a Config rule ARN of the finding's own account and region whose
 *     ProductFields name this rule (a conformance pack's rules are named `<rule>-conformance-pack-<id>`);
 *   - imported by the rule itself: the finding's own account's default product, GeneratorId this rule's name;
 * and of those only active failures (a passed or archived finding is nothing to fix) about a notebook of the
 * finding's own account and region, in this stack's region (a Step Functions task calls its own region). Each
 * notebook once, however many findings name it: items `{ "Account": …, "Notebook": <lowercased ARN> }`.
 */

export const NOTEBOOK_FINDING_RESOURCE_TYPE = 'AwsSageMakerNotebookInstance';

export interface FindingFilter {
  /** Values may be CloudFormation tokens (they end up in the definition string). */
  readonly partition: string;
  readonly region: string;
  readonly ruleName: string;
  /** Single account: only this account's findings. Organization mode: any account's. */
  readonly account?: string;
  /** The stand-alone Config rule's ARN; undefined when a conformance pack creates the rule. */
  readonly configRuleArn?: string;
}

/** `{% … %}` for a Map state's Items: always an array, possibly empty. */
export function selectedNotebooksExpression(filter: FindingFilter): string {
  const { partition, region, ruleName, account, configRuleArn } = filter;
  // Rule names are letters, digits and hyphens (settings check): safe inside a regular expression.
  const isThisRule = `function($name) { $name = "${ruleName}" or $contains($name, /^${ruleName}-conformance-pack-[A-Za-z0-9]+$/) }`;
  const fromConfig = configRuleArn
    ? `GeneratorId = "${configRuleArn}"`
    : `$substringBefore(GeneratorId, ":config-rule/") = "arn:${partition}:config:" & Region & ":" & AwsAccountId and $isThisRule(ProductFields."aws/config/ConfigRuleName")`;
  const conditions = [
    `Region = "${region}"`,
    ...(account ? [`AwsAccountId = "${account}"`] : []),
    `Compliance.Status = "FAILED"`,
    `RecordState = "ACTIVE"`,
    `Resources[0].Type = "${NOTEBOOK_FINDING_RESOURCE_TYPE}"`,
    `$substringBefore($lowercase(Resources[0].Id), "notebook-instance/") = "arn:${partition}:sagemaker:" & Region & ":" & AwsAccountId & ":"`,
    `$length($substringAfter($lowercase(Resources[0].Id), "notebook-instance/")) > 0`,
    `((ProductArn = "arn:${partition}:securityhub:" & Region & "::product/aws/config" and ${fromConfig}) or ` +
      `(ProductArn = "arn:${partition}:securityhub:" & Region & ":" & AwsAccountId & ":product/" & AwsAccountId & "/default" and $isThisRule(GeneratorId)))`,
  ];
  const selected = `$states.input.detail.findings[${conditions.join(' and ')}]`;
  return (
    `{% ($isThisRule := ${isThisRule}; ` +
    `$append([], $distinct(${selected}.$lowercase(Resources[0].Id)).{ "Account": $split($, ":")[4], "Notebook": $ })) %}`
  );
}
