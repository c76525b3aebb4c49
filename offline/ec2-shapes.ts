/**
 * How EC2 names the members of the three resources the rule reads, as its XML answers spell them.
 * Checked against the SDK's EC2 model (each member's xmlName), so the SDK deserializes the fake's answers
 * into the same typed shapes as the real service's: e.g. Routes ← routeSet, Associations ← associationSet,
 * SecurityGroup.Description ← groupDescription, UserIdGroupPairs ← groups.
 */
import type { XmlShape } from './xml.js';

const TAG: XmlShape = { Key: 'key', Value: 'value' };
const TAGS = { element: 'tagSet', items: TAG } as const;

const STATE_WITH_MESSAGE: XmlShape = { State: 'state', StatusMessage: 'statusMessage' };

export const SUBNET_SHAPE: XmlShape = {
  SubnetId: 'subnetId',
  SubnetArn: 'subnetArn',
  State: 'state',
  VpcId: 'vpcId',
  OwnerId: 'ownerId',
  CidrBlock: 'cidrBlock',
  AvailableIpAddressCount: 'availableIpAddressCount',
  AvailabilityZone: 'availabilityZone',
  AvailabilityZoneId: 'availabilityZoneId',
  DefaultForAz: 'defaultForAz',
  MapPublicIpOnLaunch: 'mapPublicIpOnLaunch',
  MapCustomerOwnedIpOnLaunch: 'mapCustomerOwnedIpOnLaunch',
  AssignIpv6AddressOnCreation: 'assignIpv6AddressOnCreation',
  EnableDns64: 'enableDns64',
  Ipv6Native: 'ipv6Native',
  Ipv6CidrBlockAssociationSet: {
    element: 'ipv6CidrBlockAssociationSet',
    items: {
      AssociationId: 'associationId',
      Ipv6CidrBlock: 'ipv6CidrBlock',
      Ipv6CidrBlockState: { element: 'ipv6CidrBlockState', shape: STATE_WITH_MESSAGE },
      Ipv6AddressAttribute: 'ipv6AddressAttribute',
      IpSource: 'ipSource',
    },
  },
  PrivateDnsNameOptionsOnLaunch: {
    element: 'privateDnsNameOptionsOnLaunch',
    shape: {
      HostnameType: 'hostnameType',
      EnableResourceNameDnsARecord: 'enableResourceNameDnsARecord',
      EnableResourceNameDnsAAAARecord: 'enableResourceNameDnsAAAARecord',
    },
  },
  BlockPublicAccessStates: {
    element: 'blockPublicAccessStates',
    shape: { InternetGatewayBlockMode: 'internetGatewayBlockMode' },
  },
  Tags: TAGS,
};

const ROUTE: XmlShape = {
  DestinationCidrBlock: 'destinationCidrBlock',
  DestinationIpv6CidrBlock: 'destinationIpv6CidrBlock',
  DestinationPrefixListId: 'destinationPrefixListId',
  GatewayId: 'gatewayId',
  EgressOnlyInternetGatewayId: 'egressOnlyInternetGatewayId',
  NatGatewayId: 'natGatewayId',
  TransitGatewayId: 'transitGatewayId',
  VpcPeeringConnectionId: 'vpcPeeringConnectionId',
  NetworkInterfaceId: 'networkInterfaceId',
  InstanceId: 'instanceId',
  InstanceOwnerId: 'instanceOwnerId',
  LocalGatewayId: 'localGatewayId',
  CarrierGatewayId: 'carrierGatewayId',
  CoreNetworkArn: 'coreNetworkArn',
  Origin: 'origin',
  State: 'state',
};

const ROUTE_TABLE_ASSOCIATION: XmlShape = {
  Main: 'main',
  RouteTableAssociationId: 'routeTableAssociationId',
  RouteTableId: 'routeTableId',
  SubnetId: 'subnetId',
  GatewayId: 'gatewayId',
  AssociationState: { element: 'associationState', shape: STATE_WITH_MESSAGE },
};

export const ROUTE_TABLE_SHAPE: XmlShape = {
  RouteTableId: 'routeTableId',
  VpcId: 'vpcId',
  OwnerId: 'ownerId',
  Routes: { element: 'routeSet', items: ROUTE },
  Associations: { element: 'associationSet', items: ROUTE_TABLE_ASSOCIATION },
  PropagatingVgws: { element: 'propagatingVgwSet', items: { GatewayId: 'gatewayId' } },
  Tags: TAGS,
};

const IP_PERMISSION: XmlShape = {
  IpProtocol: 'ipProtocol',
  FromPort: 'fromPort',
  ToPort: 'toPort',
  UserIdGroupPairs: {
    element: 'groups',
    items: {
      Description: 'description',
      UserId: 'userId',
      GroupName: 'groupName',
      GroupId: 'groupId',
      VpcId: 'vpcId',
      VpcPeeringConnectionId: 'vpcPeeringConnectionId',
      PeeringStatus: 'peeringStatus',
    },
  },
  IpRanges: { element: 'ipRanges', items: { CidrIp: 'cidrIp', Description: 'description' } },
  Ipv6Ranges: { element: 'ipv6Ranges', items: { CidrIpv6: 'cidrIpv6', Description: 'description' } },
  PrefixListIds: {
    element: 'prefixListIds',
    items: { PrefixListId: 'prefixListId', Description: 'description' },
  },
};

export const SECURITY_GROUP_SHAPE: XmlShape = {
  GroupId: 'groupId',
  GroupName: 'groupName',
  Description: 'groupDescription',
  OwnerId: 'ownerId',
  VpcId: 'vpcId',
  SecurityGroupArn: 'securityGroupArn',
  IpPermissions: { element: 'ipPermissions', items: IP_PERMISSION },
  IpPermissionsEgress: { element: 'ipPermissionsEgress', items: IP_PERMISSION },
  Tags: TAGS,
};
