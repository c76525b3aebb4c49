/**
 * EC2 (query protocol: form-encoded `Action=…&Version=2016-11-15`, XML answers): the three Describe calls
 * the rule makes to learn a subnet's VPC, its route table and its security groups' ingress.
 */
import type { RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import {
  applyFilters,
  type FilterFields,
  indexedValues,
  invalidPaginationToken,
  readFilters,
  readMaxResults,
  selectByIds,
} from './ec2-query.js';
import { ROUTE_TABLE_SHAPE, SECURITY_GROUP_SHAPE, SUBNET_SHAPE } from './ec2-shapes.js';
import type { Ec2Operation, Ec2Params } from './operation.js';
import { byKey, type Page, paginate } from './pagination.js';
import { ServiceError } from './service-error.js';
import { type XmlShape, xmlList, xmlScalar } from './xml.js';

const text = (value: boolean | number | undefined) => (value === undefined ? undefined : String(value));

const SUBNET_FILTERS: FilterFields<Subnet> = {
  'subnet-id': (s) => [s.SubnetId],
  'subnet-arn': (s) => [s.SubnetArn],
  'vpc-id': (s) => [s.VpcId],
  'owner-id': (s) => [s.OwnerId],
  state: (s) => [s.State],
  'availability-zone': (s) => [s.AvailabilityZone],
  'availability-zone-id': (s) => [s.AvailabilityZoneId],
  'cidr-block': (s) => [s.CidrBlock],
  'default-for-az': (s) => [text(s.DefaultForAz)],
  'map-public-ip-on-launch': (s) => [text(s.MapPublicIpOnLaunch)],
};

const ROUTE_TABLE_FILTERS: FilterFields<RouteTable> = {
  'route-table-id': (t) => [t.RouteTableId],
  'vpc-id': (t) => [t.VpcId],
  'owner-id': (t) => [t.OwnerId],
  'association.subnet-id': (t) => (t.Associations ?? []).map((a) => a.SubnetId),
  'association.main': (t) => (t.Associations ?? []).map((a) => text(a.Main ?? false)),
  'association.route-table-association-id': (t) =>
    (t.Associations ?? []).map((a) => a.RouteTableAssociationId),
  'association.route-table-id': (t) => (t.Associations ?? []).map((a) => a.RouteTableId),
  'association.gateway-id': (t) => (t.Associations ?? []).map((a) => a.GatewayId),
  'route.destination-cidr-block': (t) => (t.Routes ?? []).map((r) => r.DestinationCidrBlock),
  'route.destination-ipv6-cidr-block': (t) => (t.Routes ?? []).map((r) => r.DestinationIpv6CidrBlock),
  'route.gateway-id': (t) => (t.Routes ?? []).map((r) => r.GatewayId),
  'route.nat-gateway-id': (t) => (t.Routes ?? []).map((r) => r.NatGatewayId),
  'route.origin': (t) => (t.Routes ?? []).map((r) => r.Origin),
  'route.state': (t) => (t.Routes ?? []).map((r) => r.State),
};

const SECURITY_GROUP_FILTERS: FilterFields<SecurityGroup> = {
  'group-id': (g) => [g.GroupId],
  'group-name': (g) => [g.GroupName],
  'vpc-id': (g) => [g.VpcId],
  'owner-id': (g) => [g.OwnerId],
  description: (g) => [g.Description],
  'ip-permission.cidr': (g) =>
    (g.IpPermissions ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp)),
  'ip-permission.ipv6-cidr': (g) =>
    (g.IpPermissions ?? []).flatMap((p) => (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)),
  'ip-permission.protocol': (g) => (g.IpPermissions ?? []).map((p) => p.IpProtocol),
};

/** Without MaxResults EC2 returns everything; with it, keyed pages. */
function pageOf<T>(
  operation: string,
  params: Ec2Params,
  items: readonly T[],
  idOf: (item: T) => string,
  maxResults: number | undefined,
): Page<T> {
  const sorted = [...items].sort(byKey(idOf));
  if (maxResults === undefined) return { items: sorted };
  const listing = [...params].filter(([key]) => key !== 'NextToken' && key !== 'MaxResults');
  return paginate(
    sorted,
    idOf,
    { scope: `${operation} ${JSON.stringify(listing)}`, token: params.get('NextToken'), limit: maxResults },
    invalidPaginationToken,
  );
}

function answer<T>(listElement: string, page: Page<T>, shape: XmlShape): string {
  return xmlList(listElement, page.items, shape) + xmlScalar('nextToken', page.nextToken);
}

const describeSubnets: Ec2Operation = (params, state) => {
  const maxResults = readMaxResults(params, 5, 1000);
  const byId = selectByIds(state.subnets, indexedValues(params, 'SubnetId'), (s) => s.SubnetId, {
    wellFormed: /^subnet-[0-9a-f]+$/,
    malformed: 'InvalidSubnetID.Malformed',
    notFound: (ids) => new ServiceError('InvalidSubnetID.NotFound', `The subnet ID '${ids}' does not exist`),
  });
  const matching = applyFilters(byId, readFilters(params), SUBNET_FILTERS);
  const page = pageOf('DescribeSubnets', params, matching, (s) => s.SubnetId ?? '', maxResults);
  return answer('subnetSet', page, SUBNET_SHAPE);
};

const describeRouteTables: Ec2Operation = (params, state) => {
  const maxResults = readMaxResults(params, 5, 100);
  const byId = selectByIds(state.routeTables, indexedValues(params, 'RouteTableId'), (t) => t.RouteTableId, {
    wellFormed: /^rtb-[0-9a-f]+$/,
    malformed: 'InvalidRouteTableId.Malformed',
    notFound: (ids) =>
      new ServiceError('InvalidRouteTableID.NotFound', `The routeTable ID '${ids}' does not exist`),
  });
  const matching = applyFilters(byId, readFilters(params), ROUTE_TABLE_FILTERS);
  const page = pageOf('DescribeRouteTables', params, matching, (t) => t.RouteTableId ?? '', maxResults);
  return answer('routeTableSet', page, ROUTE_TABLE_SHAPE);
};

const describeSecurityGroups: Ec2Operation = (params, state) => {
  const maxResults = readMaxResults(params, 5, 1000);
  const byId = selectByIds(state.securityGroups, indexedValues(params, 'GroupId'), (g) => g.GroupId, {
    wellFormed: /^sg-[0-9a-f]+$/,
    malformed: 'InvalidGroupId.Malformed',
    notFound: (ids) =>
      new ServiceError('InvalidGroup.NotFound', `The security group '${ids}' does not exist`),
  });
  const matching = applyFilters(byId, readFilters(params), SECURITY_GROUP_FILTERS);
  const page = pageOf('DescribeSecurityGroups', params, matching, (g) => g.GroupId ?? '', maxResults);
  return answer('securityGroupInfo', page, SECURITY_GROUP_SHAPE);
};

export const EC2_OPERATIONS: Readonly<Record<string, Ec2Operation>> = {
  DescribeSubnets: describeSubnets,
  DescribeRouteTables: describeRouteTables,
  DescribeSecurityGroups: describeSecurityGroups,
};
