/** Shared by the scan tests: read a plan or template from memory, scan it, offline or against the example account. */
import { createOfflineAws } from '../../../offline/index';
import { createRuleClients } from '../../../rule/clients';
import { loadExampleAccount } from '../../../rule/examples/index';
import { NetworkFactsLookup } from '../../../rule/network';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../../rule/parameters';
import { readCloudFormationTemplate } from '../../../rule/scan/cloudformation';
import { type FileScan, scanPlannedFile } from '../../../rule/scan/scan';
import { readTerraformPlan, type TerraformPlan } from '../../../rule/scan/terraform-plan';

/** EC2 of the bundled example account, read through the rule's own lookups (the CLI's --live, offline). */
export function exampleAccountNetwork(): NetworkFactsLookup {
  const offline = createOfflineAws(loadExampleAccount());
  return new NetworkFactsLookup(createRuleClients({ ...offline.clientConfig, maxAttempts: 1 }).ec2);
}

export function scanPlan(
  plan: TerraformPlan,
  parameters: RuleParameters = DEFAULT_PARAMETERS,
  live?: NetworkFactsLookup,
): Promise<FileScan> {
  return scanPlannedFile(readTerraformPlan(JSON.stringify(plan), 'plan.json'), parameters, live);
}

export function scanTemplate(
  text: string,
  parameters: RuleParameters = DEFAULT_PARAMETERS,
  live?: NetworkFactsLookup,
): Promise<FileScan> {
  return scanPlannedFile(readCloudFormationTemplate(text, 'template.yaml'), parameters, live);
}

/** One notebook's outcome in a compact form tests can compare. */
export function outcome(scan: FileScan, resource: string) {
  const notebook = scan.notebooks.find((n) => n.location.name === resource);
  if (!notebook)
    throw new Error(`no notebook ${resource} in ${scan.notebooks.map((n) => n.location.name).join(', ')}`);
  return {
    compliance: notebook.compliance,
    annotation: notebook.annotation,
    failed: notebook.failed.map((f) => f.check),
    unevaluated: notebook.unevaluated.map((u) => `${u.check}: ${u.reason}`),
    ...(notebook.error && { error: notebook.error }),
  };
}
