/**
 * One evaluation → one Security Hub finding (ASFF), pure. The finding lives under the evaluated account's
 * default product and is keyed by (account, region, rule, notebook), so every later evaluation of the same
 * notebook updates it.
 *
 *   Config result    Compliance.Status   RecordState   Severity.Label
 *   COMPLIANT        PASSED              ACTIVE        INFORMATIONAL
 *   NON_COMPLIANT    FAILED              ACTIVE        severity.ts: HIGH (no subnet, direct internet access),
 *                                                      else MEDIUM
 *   NOT_APPLICABLE   NOT_AVAILABLE       ARCHIVED      INFORMATIONAL  (exempt, deleted, vanished, out of scope)
 *
 * Times, with no state kept: UpdatedAt is when the rule delivered the result (Security Hub ignores an update whose
 * UpdatedAt is not later than the stored one, so it must move forward); LastObservedAt is the evaluation's
 * OrderingTimestamp (the item's capture time, or the sweep's notification time). CreatedAt and FirstObservedAt
 * are the notebook's own creation time — the one time every evaluation of the notebook knows the same way —
 * because Security Hub may overwrite them on each import (unconfirmed; Prowler found it had to resend the stored
 * ones). A notebook known only by its resource id (vanished) falls back to LastObservedAt: its finding is being
 * archived.
 */
import type {
  AwsSecurityFinding,
  ComplianceStatus,
  Partition,
  RecordState,
  SeverityLabel,
} from '@aws-sdk/client-securityhub';
import type { ResourceEvaluation } from '../config/report';
import type { ComplianceType } from '../evaluate';
import type { Notebook } from '../notebook';
import { truncate } from '../text';
import { severityOf } from './severity';

export const SCHEMA_VERSION = '2018-10-08';
export const FINDING_TYPES = ['Software and Configuration Checks/AWS Security Best Practices'];
export const NOTEBOOK_RESOURCE_TYPE = 'AwsSageMakerNotebookInstance';
export const FINDING_TITLE = 'SageMaker notebook instances should run in an approved customer VPC';
/** The README section that explains the finding and how to fix it, on the package's page (package.json homepage). */
export const REMEDIATION_URL =
  'https://www.npmjs.com/package/sagemaker-notebook-vpc-guard#security-hub-findings';
export const REMEDIATION_TEXT =
  'Recreate the notebook instance in an approved private subnet with direct internet access disabled; its ' +
  'settings, tags and data are carried over. Select the finding and choose Actions > Recreate in VPC, or ' +
  'Remediate on the rule in AWS Config.';
/** ProductFields keys, in the "<provider>/<name>" form AWS's own integrations use. */
export const PRODUCT_FIELD_PREFIX = 'sagemaker-notebook-vpc-guard';
const MAX_DESCRIPTION_LENGTH = 1024;
const COMPLIANT_DESCRIPTION = 'Runs in an approved customer VPC: every enabled check passed.';
const NOTEBOOK_CONFIG_TYPE = 'AWS::SageMaker::NotebookInstance';
const NOTEBOOK_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:notebook-instance\/[A-Za-z0-9-]+$/;
/** The AWS partitions ASFF's Resources[].Partition accepts; a newer one is left out rather than refused. */
const ASFF_PARTITIONS: readonly string[] = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-us-iso',
  'aws-us-iso-b',
] satisfies readonly Partition[];

const STATUS: Readonly<Record<ComplianceType, ComplianceStatus>> = {
  COMPLIANT: 'PASSED',
  NON_COMPLIANT: 'FAILED',
  NOT_APPLICABLE: 'NOT_AVAILABLE',
};

/** Where and for which rule the evaluation was made, and when it is delivered. */
export interface FindingContext {
  readonly partition: string;
  readonly region: string;
  /** The evaluated account (in organization mode a member account, not the Lambda's). */
  readonly accountId: string;
  /** The rule's name as Config passes it (a conformance pack's rules carry a suffix). */
  readonly configRuleName: string;
  /** When the findings are delivered: their UpdatedAt. */
  readonly deliveredAt: Date;
}

/** The default product of an account: where a customer's own findings go. */
export function defaultProductArn(context: Pick<FindingContext, 'partition' | 'region' | 'accountId'>) {
  const { partition, region, accountId } = context;
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** undefined for an evaluation that is not about a notebook (Config sent another resource type's item). */
export function toFinding(
  evaluation: ResourceEvaluation,
  context: FindingContext,
): AwsSecurityFinding | undefined {
  if (evaluation.resourceType !== NOTEBOOK_CONFIG_TYPE) return undefined;
  const arn = notebookArn(evaluation, context);
  const severity: SeverityLabel = severityOf(evaluation);
  const lastObserved = evaluation.orderingTimestamp;
  const created = earliest(evaluation.notebook?.createdAt ?? lastObserved, lastObserved).toISOString();
  return {
    SchemaVersion: SCHEMA_VERSION,
    Id: findingId(context.configRuleName, arn),
    ProductArn: defaultProductArn(context),
    GeneratorId: context.configRuleName,
    AwsAccountId: context.accountId,
    Region: context.region,
    Types: FINDING_TYPES,
    CreatedAt: created,
    FirstObservedAt: created,
    LastObservedAt: lastObserved.toISOString(),
    UpdatedAt: context.deliveredAt.toISOString(),
    // Security Hub keeps a customer's own severity (BatchUpdateFindings) over the top-level field; the
    // provider's view goes in FindingProviderFields.
    Severity: { Label: severity },
    FindingProviderFields: { Severity: { Label: severity, Original: severity }, Types: FINDING_TYPES },
    Title: FINDING_TITLE,
    Description: truncate(evaluation.annotation ?? COMPLIANT_DESCRIPTION, MAX_DESCRIPTION_LENGTH),
    Remediation: { Recommendation: { Text: REMEDIATION_TEXT, Url: REMEDIATION_URL } },
    ProductFields: {
      [`${PRODUCT_FIELD_PREFIX}/ConfigRuleName`]: context.configRuleName,
      [`${PRODUCT_FIELD_PREFIX}/ComplianceResourceId`]: evaluation.resourceId,
      [`${PRODUCT_FIELD_PREFIX}/ConfigComplianceType`]: evaluation.compliance,
    },
    Resources: [
      {
        Type: NOTEBOOK_RESOURCE_TYPE,
        Id: arn,
        ...(ASFF_PARTITIONS.includes(context.partition) && { Partition: context.partition as Partition }),
        Region: context.region,
        Details: { AwsSageMakerNotebookInstance: details(evaluation, arn) },
      },
    ],
    Compliance: { Status: STATUS[evaluation.compliance] },
    RecordState: recordState(evaluation.compliance),
  };
}

/** Stable for (account, region, rule, notebook): the ARN carries the account, region and lowercased name. */
export function findingId(configRuleName: string, notebookArn: string): string {
  return `${PRODUCT_FIELD_PREFIX}/${configRuleName}/${notebookArn}`;
}

/** Exempt, deleted, vanished or out of scope: nothing to act on, so out of the active list. */
function recordState(compliance: ComplianceType): RecordState {
  return compliance === 'NOT_APPLICABLE' ? 'ARCHIVED' : 'ACTIVE';
}

/**
 * The notebook's ARN, lowercased as AWS writes it: as read, else the resource id when Config files notebooks by
 * ARN, else built from the name (Config's resource id is most likely the name).
 */
function notebookArn(evaluation: ResourceEvaluation, context: FindingContext): string {
  const known =
    evaluation.notebook?.arn ??
    (NOTEBOOK_ARN.test(evaluation.resourceId) ? evaluation.resourceId : undefined);
  if (known) return known.toLowerCase();
  const name = evaluation.notebook?.name ?? evaluation.resourceId;
  const { partition, region, accountId } = context;
  return `arn:${partition}:sagemaker:${region}:${accountId}:notebook-instance/${name.toLowerCase()}`;
}

function details(evaluation: ResourceEvaluation, arn: string) {
  const notebook = evaluation.notebook;
  return {
    NotebookInstanceName: notebook?.name ?? arn.split('/').at(-1),
    NotebookInstanceArn: arn,
    ...(notebook &&
      isEvaluated(notebook) && {
        ...(notebook.subnetId && { SubnetId: notebook.subnetId }),
        SecurityGroups: [...notebook.securityGroupIds],
        DirectInternetAccess: notebook.directInternetAccess,
      }),
  };
}

/** A notebook that was read (its settings known), not just named. */
function isEvaluated(notebook: NonNullable<ResourceEvaluation['notebook']>): notebook is Notebook {
  return 'directInternetAccess' in notebook;
}

function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}
