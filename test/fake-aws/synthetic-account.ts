/**
 * Big synthetic accounts for the sweep benchmarks and resilience tests: N notebooks spread over a few
 * VPCs and subnets, with Config's inventory and prior results, each notebook labelled with the verdict
 * it should get. Deterministic (the same options give the same account) and memory-lean: notebooks share
 * their arrays and strings, so 10,000 of them cost a few megabytes.
 */

import type { ComplianceType } from '@aws-sdk/client-config-service';
import type { RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type {
  DiscoveredResource,
  Inventory,
  InventoryNotebook,
  PriorEvaluation,
} from '../../offline/index.js';

export interface SyntheticAccountOptions {
  readonly notebooks: number;
  /** VPCs (default 3); the first is the approved one (ruleParameters.VpcIds). */
  readonly vpcs?: number;
  /** Every `withoutSubnetEvery`-th notebook has no subnet (default 10). */
  readonly withoutSubnetEvery?: number;
  /** Every `undiscoveredEvery`-th notebook is missing from Config's inventory (default 50). */
  readonly undiscoveredEvery?: number;
  /** Prior results for notebooks that no longer exist (default: 1 per 100 notebooks, at least 1). */
  readonly vanished?: number;
  /** How Config identifies notebooks (unconfirmed in AWS, so both are offered; default 'arn'). */
  readonly configResourceId?: 'arn' | 'name';
  /** When set, ruleParameters carries it and every 25th notebook is tagged with it (exempt). */
  readonly exemptionTagKey?: string;
}

const ACCOUNT = '111122223333';
const REGION = 'ap-northeast-1';
const RULE = 'sagemaker-notebook-vpc-guard';
const CREATED = '2026-06-01T00:00:00.000Z';
const RECORDED = '2026-11-01T00:00:00.000Z';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-bench`;
const IMDS_V2 = { MinimumInstanceMetadataServiceVersion: '2' } as const;
const STATUSES = ['InService', 'Stopped', 'InService', 'Pending', 'InService', 'Failed'] as const;
/** Per VPC: two private subnets (NAT), one public by explicit association, one public through the main table. */
const SUBNET_KINDS = ['private', 'private', 'public', 'main-table'] as const;

const hexId = (prefix: string, n: number) => `${prefix}-${n.toString(16).padStart(17, '0')}`;
const arnOf = (name: string) =>
  `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/${name.toLowerCase()}`;

interface NetworkPlacement {
  readonly subnetId: string;
  readonly approved: boolean;
  readonly public: boolean;
  readonly tightGroups: string[];
  readonly openGroups: string[];
}

export function createSyntheticAccount(options: SyntheticAccountOptions): Inventory {
  const vpcCount = options.vpcs ?? 3;
  const network = buildNetwork(vpcCount);
  const withoutSubnetEvery = options.withoutSubnetEvery ?? 10;
  const undiscoveredEvery = options.undiscoveredEvery ?? 50;
  const exemptTags = options.exemptionTagKey
    ? [{ Key: options.exemptionTagKey, Value: 'benchmark' }]
    : undefined;
  const plainTags = [{ Key: 'Project', Value: 'benchmark' }];
  const idOf = (name: string) => (options.configResourceId === 'name' ? name : arnOf(name));

  const notebooks: InventoryNotebook[] = [];
  const discovered: DiscoveredResource[] = [];
  const priors: PriorEvaluation[] = [];
  for (let index = 1; index <= options.notebooks; index++) {
    const name = `nb-${String(index).padStart(5, '0')}`;
    const exempt = exemptTags !== undefined && index % 25 === 0;
    const placement =
      index % withoutSubnetEvery === 0 ? undefined : network.placements[index % network.placements.length];
    const directInternet = placement === undefined || index % 7 === 0;
    const openIngress = placement !== undefined && index % 13 === 0;
    const compliant = placement?.approved === true && !placement.public && !directInternet && !openIngress;
    const expected: ComplianceType = exempt ? 'NOT_APPLICABLE' : compliant ? 'COMPLIANT' : 'NON_COMPLIANT';
    notebooks.push({
      NotebookInstanceName: name,
      NotebookInstanceArn: arnOf(name),
      NotebookInstanceStatus: STATUSES[index % STATUSES.length],
      InstanceType: 'ml.t3.medium',
      ...(placement && { SubnetId: placement.subnetId }),
      SecurityGroups: placement ? (openIngress ? placement.openGroups : placement.tightGroups) : [],
      RoleArn: ROLE,
      DirectInternetAccess: directInternet ? 'Enabled' : 'Disabled',
      VolumeSizeInGB: 5,
      RootAccess: 'Disabled',
      PlatformIdentifier: 'notebook-al2-v3',
      InstanceMetadataServiceConfiguration: IMDS_V2,
      CreationTime: CREATED,
      LastModifiedTime: CREATED,
      Tags: exempt ? exemptTags : plainTags,
      expectedCompliance: expected,
    });
    if (index % undiscoveredEvery === 0) continue;
    discovered.push({ resourceId: idOf(name), resourceName: name });
    priors.push({
      configRuleName: RULE,
      resourceId: idOf(name),
      complianceType: 'NON_COMPLIANT',
      resultRecordedTime: RECORDED,
    });
  }
  const vanished = options.vanished ?? Math.max(1, Math.ceil(options.notebooks / 100));
  for (let index = 1; index <= vanished; index++) {
    const name = `gone-${String(index).padStart(5, '0')}`;
    discovered.push({ resourceId: idOf(name), resourceName: name, resourceDeletionTime: RECORDED });
    priors.push({
      configRuleName: RULE,
      resourceId: idOf(name),
      complianceType: 'NON_COMPLIANT',
      resultRecordedTime: RECORDED,
    });
  }

  return {
    accountId: ACCOUNT,
    region: REGION,
    description: `Synthetic account: ${options.notebooks} notebooks over ${vpcCount} VPCs, ${vanished} vanished.`,
    configRuleName: RULE,
    ruleParameters: {
      VpcIds: network.approvedVpcId,
      ForbidOpenIngress: 'true',
      ...(options.exemptionTagKey && { ExemptionTagKey: options.exemptionTagKey }),
    },
    notebooks,
    subnets: network.subnets,
    routeTables: network.routeTables,
    securityGroups: network.securityGroups,
    discoveredResources: discovered,
    priorEvaluations: priors,
  };
}

function buildNetwork(vpcCount: number) {
  const subnets: Subnet[] = [];
  const routeTables: RouteTable[] = [];
  const securityGroups: SecurityGroup[] = [];
  const placements: NetworkPlacement[] = [];
  for (let v = 0; v < vpcCount; v++) {
    const vpcId = hexId('vpc', 0xa000 + v);
    const igw = hexId('igw', 0xa000 + v);
    const local = { DestinationCidrBlock: `10.${v}.0.0/16`, GatewayId: 'local', State: 'active' } as const;
    const tight = hexId('sg', 0xa000 + v * 2);
    const open = hexId('sg', 0xa001 + v * 2);
    securityGroups.push(
      {
        GroupId: tight,
        GroupName: `tight-${v}`,
        Description: 'HTTPS from inside',
        VpcId: vpcId,
        OwnerId: ACCOUNT,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: `10.${v}.0.0/16` }] },
        ],
      },
      {
        GroupId: open,
        GroupName: `open-${v}`,
        Description: 'Jupyter from anywhere',
        VpcId: vpcId,
        OwnerId: ACCOUNT,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 8888, ToPort: 8888, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      },
    );
    routeTables.push({
      RouteTableId: hexId('rtb', 0xa000 + v * 16),
      VpcId: vpcId,
      OwnerId: ACCOUNT,
      Routes: [local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, State: 'active' }],
      Associations: [
        {
          Main: true,
          RouteTableAssociationId: hexId('rtbassoc', 0xa000 + v * 16),
          RouteTableId: hexId('rtb', 0xa000 + v * 16),
        },
      ],
    });
    SUBNET_KINDS.forEach((kind, s) => {
      const subnetId = hexId('subnet', 0xa000 + v * 16 + s);
      subnets.push({
        SubnetId: subnetId,
        VpcId: vpcId,
        OwnerId: ACCOUNT,
        State: 'available',
        CidrBlock: `10.${v}.${s}.0/24`,
        AvailabilityZone: `${REGION}${'acd'[s % 3]}`,
      });
      if (kind !== 'main-table') {
        const tableId = hexId('rtb', 0xa000 + v * 16 + s + 1);
        const internet = kind === 'public' ? { GatewayId: igw } : { NatGatewayId: hexId('nat', 0xa000 + v) };
        routeTables.push({
          RouteTableId: tableId,
          VpcId: vpcId,
          OwnerId: ACCOUNT,
          Routes: [local, { DestinationCidrBlock: '0.0.0.0/0', ...internet, State: 'active' }],
          Associations: [
            {
              Main: false,
              SubnetId: subnetId,
              RouteTableAssociationId: hexId('rtbassoc', 0xa000 + v * 16 + s + 1),
              RouteTableId: tableId,
            },
          ],
        });
      }
      placements.push({
        subnetId,
        approved: v === 0,
        public: kind !== 'private',
        tightGroups: [tight],
        openGroups: [tight, open],
      });
    });
  }
  return { approvedVpcId: hexId('vpc', 0xa000), subnets, routeTables, securityGroups, placements };
}
