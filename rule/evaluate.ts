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
 *   S12 NON_COMPLIANT, and a tag says code owns the notebook (IacOwnershipTagKeys)
 *                                                                       → the annotation also says where to fix it
 */
import { annotationOf } from './annotation';
import type { CheckId } from './checks';
import type { Notebook } from './notebook';
import { DEFAULT_IAC_OWNERSHIP_TAG_KEYS, type IacOwner, iacOwnerOf } from './ownership';
import type { RuleParameters } from './parameters';
import { describeValue } from './text';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface Verdict {
  readonly compliance: ComplianceType;
  /** Omitted when compliant. Cut to Config's 256 characters on delivery (report.ts). */
  readonly annotation?: string;
  /** NON_COMPLIANT only: the failed checks, in the annotation's order (Security Hub's severity reads them). */
  readonly failedChecks?: readonly CheckId[];
}

/** Destinations and sources that mean "the whole internet". */
export const ANYWHERE: readonly string[] = ['0.0.0.0/0', '::/0'];

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

export type NetworkFactName = 'vpcId' | 'internetGatewayRoute' | 'openIngress';

/**
 * What we know about the notebook's network, from EC2 or from the file a scan reads. A field is undefined
 * when its check is off, the notebook has no subnet, or the fact could not be known; a check that is on never
 * runs on an undefined fact (S11).
 */
export interface NetworkFacts {
  readonly vpcId?: string;
  /** null = the subnet's route table has no internet-gateway route. */
  readonly internetGatewayRoute?: InternetGatewayRoute | null;
  readonly openIngress?: readonly OpenIngress[];
  /** Why a fact is undefined, where its source can say (a scan: "subnet X is not defined in the file"). */
  readonly missing?: Readonly<Partial<Record<NetworkFactName, string>>>;
}

/** A check that failed, with the words the annotation uses for it. */
export interface FailedCheck {
  readonly check: CheckId;
  readonly message: string;
}

/** A check that is on but could not run: the fact it needs is missing (S11). */
export interface UnevaluatedCheck {
  readonly check: CheckId;
  readonly reason: string;
}

/** Every enabled check of one notebook: failed ones in annotation order, and those that could not run. */
export interface CheckResults {
  /** The exemption tag key, when the notebook carries it (S1): nothing else is checked. */
  readonly exemptBy?: string;
  readonly failed: readonly FailedCheck[];
  readonly unevaluated: readonly UnevaluatedCheck[];
  /** Who owns the notebook's definition, when a tag says so (S12). */
  readonly owner?: IacOwner;
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

/** The rule's verdict (Config's words): throws on a check that could not run, never guessing (S11). */
export function evaluateNotebook(
  notebook: Notebook,
  facts: NetworkFacts,
  parameters: RuleParameters,
): Verdict {
  const results = checkNotebook(notebook, facts, parameters);
  const verdict = results.unevaluated.length === 0 ? verdictOf(results) : undefined;
  if (!verdict) throw new MissingFactError(results.unevaluated[0]?.reason ?? 'cannot evaluate');
  return verdict;
}

/**
 * The verdict of results where some checks may not have run (a scan without every fact): a failed check is
 * enough for NON_COMPLIANT; COMPLIANT needs every enabled check to have run.
 */
export function verdictOf(results: CheckResults): Verdict | undefined {
  if (results.exemptBy !== undefined)
    return { compliance: 'NOT_APPLICABLE', annotation: `Exempt: tagged ${results.exemptBy}` };
  if (results.failed.length > 0)
    return {
      compliance: 'NON_COMPLIANT',
      annotation: annotationOf(
        results.failed.map((f) => f.message),
        results.owner,
      ),
      failedChecks: results.failed.map((f) => f.check),
    };
  return results.unevaluated.length === 0 ? { compliance: 'COMPLIANT' } : undefined;
}

/**
 * Every enabled check, failed ones in a fixed order, the one whose length varies (open ingress, a list of
 * groups) last: when the annotation is cut to Config's limit, it is that list that is shortened, never a
 * whole check left unnamed. A check whose fact is missing is reported as unevaluated, not guessed.
 */
export function checkNotebook(
  notebook: Notebook,
  facts: NetworkFacts,
  parameters: RuleParameters,
): CheckResults {
  const exemptBy = parameters.exemptionTagKey;
  if (exemptBy !== undefined && isExempt(notebook, parameters))
    return { exemptBy, failed: [], unevaluated: [] };
  const owner = iacOwnerOf(notebook.tags, parameters.iacOwnershipTagKeys ?? DEFAULT_IAC_OWNERSHIP_TAG_KEYS);
  return { ...runChecks(notebook, facts, parameters), ...(owner && { owner }) };
}

function runChecks(
  notebook: Notebook,
  facts: NetworkFacts,
  parameters: RuleParameters,
): Pick<CheckResults, 'failed' | 'unevaluated'> {
  const failed: FailedCheck[] = [];
  const unevaluated: UnevaluatedCheck[] = [];
  const directInternetAccess: FailedCheck[] =
    parameters.requireDirectInternetAccessDisabled && notebook.directInternetAccess !== 'Disabled'
      ? [{ check: 'S5', message: 'Direct internet access enabled' }]
      : [];
  const { subnetId } = notebook;
  if (!subnetId) {
    failed.push(
      { check: 'S2', message: 'Runs in the SageMaker service VPC (no subnet)' },
      ...directInternetAccess,
    );
    return { failed, unevaluated };
  }
  /** The fact, or undefined after noting the check as unevaluated. */
  const fact = <T>(check: CheckId, name: NetworkFactName, what: string): T | undefined => {
    const value = facts[name] as T | undefined;
    if (value === undefined) {
      const reason =
        facts.missing?.[name] ?? `no ${what} facts for subnet ${describeValue(subnetId)}: cannot evaluate`;
      unevaluated.push({ check, reason });
    }
    return value;
  };
  if (parameters.subnetIds && !parameters.subnetIds.includes(subnetId)) {
    failed.push({ check: 'S3', message: `Subnet ${subnetId} not approved` });
  }
  if (parameters.vpcIds) {
    const vpcId = fact<string>('S4', 'vpcId', 'VPC');
    if (vpcId !== undefined && !parameters.vpcIds.includes(vpcId)) {
      failed.push({ check: 'S4', message: `VPC ${vpcId} not approved` });
    }
  }
  failed.push(...directInternetAccess);
  if (parameters.requirePrivateSubnet) {
    const route = fact<InternetGatewayRoute | null>('S6', 'internetGatewayRoute', 'route table');
    if (route) {
      failed.push({
        check: 'S6',
        message: `Public subnet: ${route.routeTableId} routes ${route.destination} to ${route.gatewayId}`,
      });
    }
  }
  if (parameters.forbidOpenIngress) {
    const open = fact<readonly OpenIngress[]>('S7', 'openIngress', 'security groups');
    if (open && open.length > 0)
      failed.push({ check: 'S7', message: `Open ingress: ${describeOpenIngress(open)}` });
  }
  return { failed, unevaluated };
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
