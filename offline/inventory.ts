/**
 * An account as the offline backend serves it: what SageMaker, EC2 and Config would answer.
 * Shapes are the AWS API's own (Describe/EC2 types from the SDK), so the example data reads like
 * real responses and nothing here mixes in the configuration item's CloudFormation-style keys.
 */
import type { ComplianceType } from '@aws-sdk/client-config-service';
import type { RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { DescribeNotebookInstanceOutput, Tag } from '@aws-sdk/client-sagemaker';

/** A notebook as DescribeNotebookInstance returns it, plus its tags (ListTags). */
export interface InventoryNotebook
  extends Omit<DescribeNotebookInstanceOutput, 'CreationTime' | 'LastModifiedTime'> {
  readonly NotebookInstanceName: string;
  readonly NotebookInstanceArn: string;
  readonly Tags?: readonly Tag[];
  /** ISO timestamps in JSON; the backend serves them as epoch seconds like the real API. */
  readonly CreationTime?: string;
  readonly LastModifiedTime?: string;
  /** For readers of an example: the scenario this notebook shows. Never served by the fake. */
  readonly scenario?: string;
  /** The verdict the scenario expects under the inventory's own ruleParameters. Never served. */
  readonly expectedCompliance?: ComplianceType;
}

/** One entry of Config's own inventory (ListDiscoveredResources). */
export interface DiscoveredResource {
  readonly resourceId: string;
  readonly resourceName?: string;
  /** Set when Config saw the resource deleted: listed only with includeDeletedResources. */
  readonly resourceDeletionTime?: string;
}

/** A result Config already holds for the rule (GetComplianceDetailsByConfigRule). */
export interface PriorEvaluation {
  readonly configRuleName: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  /** Defaults to AWS::SageMaker::NotebookInstance. */
  readonly resourceType?: string;
  readonly annotation?: string;
  /** ISO timestamps; both default to a fixed time before any run. */
  readonly orderingTimestamp?: string;
  readonly resultRecordedTime?: string;
}

export interface Inventory {
  readonly accountId: string;
  readonly region: string;
  /** What the example demonstrates; shown by the CLI. */
  readonly description?: string;
  readonly notebooks: readonly InventoryNotebook[];
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly securityGroups: readonly SecurityGroup[];
  /** Config's inventory of AWS::SageMaker::NotebookInstance; undefined = Config refuses the call. */
  readonly discoveredResources?: readonly DiscoveredResource[];
  readonly priorEvaluations?: readonly PriorEvaluation[];
  /** The rule name and parameters the example is meant to be evaluated with (Config's InputParameters). */
  readonly configRuleName?: string;
  readonly ruleParameters?: Readonly<Record<string, string>>;
}
