/**
 * The rule itself: a pure function from a notebook, the network facts it needs and the rule parameters to a
 * verdict with a plain-words annotation. No I/O here.
 *
 * Scenarios (numbers shared with test/rule/evaluate.test.ts):
 *   S1  notebook carries the ExemptionTagKey tag                      → NOT_APPLICABLE, annotated as exempt
 *   S2  no subnet (runs in the SageMaker service VPC)                   → NON_COMPLIANT, always
 *   S3  subnet not in SubnetIds                                         → NON_COMPLIANT
 *   S4  subnet's VPC not in VpcIds                                      → NON_COMPLIANT
 *   S5  DirectInternetAccess Enabled or absent, and required Disabled   → NON_COMPLIANT
 *   S6  subnet's route table sends 0.0.0.0/0 or ::/0 to an igw-, and a private subnet is required
 *                                                                       → NON_COMPLIANT
 *   S7  an attached security group allows inbound from 0.0.0.0/0 or ::/0, and ForbidOpenIngress
 *                                                                       → NON_COMPLIANT
 *   S8  several checks fail                                             → NON_COMPLIANT naming each one
 *   S9  every enabled check passes                                      → COMPLIANT, no annotation
 *   S10 a check that is turned off is neither looked up nor reported
 *   S11 a fact an enabled check needs is missing                        → throws, never COMPLIANT
 */
import type { Notebook } from './notebook';
import type { RuleParameters } from './parameters';
import { describeValue } from './text';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface Verdict {
  readonly compliance: ComplianceType;
  /** Omitted when compliant. Cut to Config's 256 characters on delivery (report.ts). */
  readonly annotation?: string;
}

/** A route that makes a subnet public. */
export interface InternetGatewayRoute {
  readonly routeTableId: string;
  readonly destination: string;
  readonly gatewayId: string;
}

/** A security group rule that lets anyone in. */
export interface OpenIngress {
  readonly groupId: string;
  readonly cidr: string;
}

/**
 * What EC2 told us about the notebook's network. A field is undefined when its check is off or the
 * notebook has no subnet; a check that is on never runs on an undefined fact (S11).
 */
export interface NetworkFacts {
  readonly vpcId?: string;
  /** null = the subnet's route table has no internet-gateway route. */
  readonly internetGatewayRoute?: InternetGatewayRoute | null;
  readonly openIngress?: readonly OpenIngress[];
}

/** Which EC2 facts the enabled checks need for this notebook (S10: nothing for checks that are off). */
export interface FactsNeeded {
  readonly subnetId?: string;
  readonly vpc: boolean;
  readonly internetGatewayRoute: boolean;
  /** undefined = open ingress is not checked; [] = checked, and the notebook has no groups. */
  readonly securityGroupIds?: readonly string[];
}

export class MissingFactError extends Error {
  override readonly name = 'MissingFactError';
}

export function isExempt(notebook: Notebook, parameters: RuleParameters): boolean {
  return parameters.exemptionTagKey !== undefined && Object.hasOwn(notebook.tags, parameters.exemptionTagKey);
}

export function factsNeeded(notebook: Notebook, parameters: RuleParameters): FactsNeeded {
  if (!notebook.subnetId || isExempt(notebook, parameters)) {
    return { vpc: false, internetGatewayRoute: false };
  }
  return {
    subnetId: notebook.subnetId,
    vpc: parameters.vpcIds !== undefined || parameters.requirePrivateSubnet,
    internetGatewayRoute: parameters.requirePrivateSubnet,
    ...(parameters.forbidOpenIngress && { securityGroupIds: notebook.securityGroupIds }),
  };
}

export function evaluateNotebook(
  notebook: Notebook,
  facts: NetworkFacts,
  parameters: RuleParameters,
): Verdict {
  if (isExempt(notebook, parameters)) {
    return verdict('NOT_APPLICABLE', [`Exempt: tagged ${parameters.exemptionTagKey}`]);
  }
  const failed = failures(notebook, facts, parameters);
  return failed.length === 0 ? { compliance: 'COMPLIANT' } : verdict('NON_COMPLIANT', failed);
}

/**
 * Failed checks in a fixed order, the one whose length varies (open ingress, a list of groups) last: when the
 * annotation is cut to Config's limit, it is that list that is shortened, never a whole check left unnamed.
 */
function failures(notebook: Notebook, facts: NetworkFacts, parameters: RuleParameters): string[] {
  const directInternetAccess =
    parameters.requireDirectInternetAccessDisabled && notebook.directInternetAccess !== 'Disabled'
      ? ['Direct internet access enabled']
      : [];
  const { subnetId } = notebook;
  if (!subnetId) return ['Runs in the SageMaker service VPC (no subnet)', ...directInternetAccess];
  const failed: string[] = [];
  if (parameters.subnetIds && !parameters.subnetIds.includes(subnetId)) {
    failed.push(`Subnet ${subnetId} not approved`);
  }
  if (parameters.vpcIds) {
    const vpcId = required(facts.vpcId, 'VPC', subnetId);
    if (!parameters.vpcIds.includes(vpcId)) failed.push(`VPC ${vpcId} not approved`);
  }
  failed.push(...directInternetAccess);
  if (parameters.requirePrivateSubnet) {
    const route = required(facts.internetGatewayRoute, 'route table', subnetId);
    if (route) {
      failed.push(`Public subnet: ${route.routeTableId} routes ${route.destination} to ${route.gatewayId}`);
    }
  }
  if (parameters.forbidOpenIngress) {
    const open = required(facts.openIngress, 'security groups', subnetId);
    if (open.length > 0) failed.push(`Open ingress: ${describeOpenIngress(open)}`);
  }
  return failed;
}

/** "sg-a from 0.0.0.0/0 ::/0, sg-b from 0.0.0.0/0", sorted so the same input gives the same text. */
function describeOpenIngress(open: readonly OpenIngress[]): string {
  const cidrsByGroup = new Map<string, Set<string>>();
  for (const { groupId, cidr } of open)
    cidrsByGroup.set(groupId, (cidrsByGroup.get(groupId) ?? new Set()).add(cidr));
  return [...cidrsByGroup]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([groupId, cidrs]) => `${groupId} from ${[...cidrs].sort().join(' ')}`)
    .join(', ');
}

function required<T>(fact: T | undefined, what: string, subnetId: string): T {
  if (fact === undefined)
    throw new MissingFactError(`no ${what} facts for subnet ${describeValue(subnetId)}: cannot evaluate`);
  return fact;
}

function verdict(compliance: ComplianceType, messages: readonly string[]): Verdict {
  return { compliance, annotation: messages.join('; ') };
}
