/**
 * The part of a stack's future template the rule reads, assembled from the construct tree while aspects run
 * (before synthesis): every resource's type and logical id, and — for notebooks and the network resources
 * the rule follows — their properties in CloudFormation names with tokens resolved to `Ref` / `Fn::GetAtt`.
 * The template scanner then reads it like any template.
 *
 * Properties are read from the L1 constructs' own typed properties (as cdk-nag does); a raw property
 * override (`addPropertyOverride`) is not seen here — the hook and the template scan of cdk.out see it.
 */
import { CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { IConstruct } from 'constructs';

export interface StackTemplate {
  readonly Parameters: Readonly<Record<string, object>>;
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: unknown }>>;
}

export function stackTemplate(stack: Stack): StackTemplate {
  const parameters: Record<string, object> = {};
  const resources: Record<string, { Type: string; Properties?: unknown }> = {};
  for (const construct of stack.node.findAll()) {
    if (Stack.of(construct) !== stack) continue;
    if (construct instanceof CfnParameter) parameters[stack.getLogicalId(construct)] = {};
    if (!CfnResource.isCfnResource(construct)) continue;
    const properties = propertiesOf(construct);
    resources[stack.getLogicalId(construct)] = {
      Type: construct.cfnResourceType,
      ...(properties && { Properties: stack.resolve(properties) }),
    };
  }
  return { Parameters: parameters, Resources: resources };
}

/** The properties the rule reads, by resource type, in CloudFormation names (values still tokens). */
function propertiesOf(resource: IConstruct): Record<string, unknown> | undefined {
  if (resource instanceof sagemaker.CfnNotebookInstance) {
    return {
      NotebookInstanceName: resource.notebookInstanceName,
      SubnetId: resource.subnetId,
      SecurityGroupIds: resource.securityGroupIds,
      DirectInternetAccess: resource.directInternetAccess,
      Tags: tagList(resource.tags.renderTags()),
    };
  }
  if (resource instanceof ec2.CfnVPC) return { CidrBlock: resource.cidrBlock };
  if (resource instanceof ec2.CfnSubnet) return { VpcId: resource.vpcId };
  if (resource instanceof ec2.CfnRouteTable) return { VpcId: resource.vpcId };
  if (resource instanceof ec2.CfnRoute) {
    return {
      RouteTableId: resource.routeTableId,
      DestinationCidrBlock: resource.destinationCidrBlock,
      DestinationIpv6CidrBlock: resource.destinationIpv6CidrBlock,
      GatewayId: resource.gatewayId,
    };
  }
  if (resource instanceof ec2.CfnSubnetRouteTableAssociation) {
    return { SubnetId: resource.subnetId, RouteTableId: resource.routeTableId };
  }
  if (resource instanceof ec2.CfnSecurityGroup) {
    // L2 security groups render their rules lazily: resolve first, then rename.
    const rules = Stack.of(resource).resolve(resource.securityGroupIngress);
    return { SecurityGroupIngress: Array.isArray(rules) ? rules.map(ingressSources) : rules };
  }
  if (resource instanceof ec2.CfnSecurityGroupIngress) {
    return { GroupId: resource.groupId, CidrIp: resource.cidrIp, CidrIpv6: resource.cidrIpv6 };
  }
  return undefined;
}

/** TagManager renders `{ key, value }`; CloudFormation writes `{ Key, Value }`. */
function tagList(rendered: unknown): unknown {
  if (!Array.isArray(rendered)) return rendered;
  return rendered.map((tag: unknown) => {
    const fields = tag !== null && typeof tag === 'object' ? (tag as Record<string, unknown>) : {};
    return { Key: fields.key ?? fields.Key, Value: fields.value ?? fields.Value };
  });
}

function ingressSources(rule: unknown): Record<string, unknown> {
  const fields = rule !== null && typeof rule === 'object' ? (rule as Record<string, unknown>) : {};
  return { CidrIp: fields.cidrIp ?? fields.CidrIp, CidrIpv6: fields.cidrIpv6 ?? fields.CidrIpv6 };
}
