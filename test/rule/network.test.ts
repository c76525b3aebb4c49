import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_IDS_PER_CALL, NetworkFactsLookup, NetworkLookupError } from '../../rule/network';
import { filterValues } from '../fixtures/ec2-filters';

const SUBNET = 'subnet-0a1b2c3d4e5f60718';
const OTHER_SUBNET = 'subnet-0b2c3d4e5f6071829';
const VPC = 'vpc-0aa11bb22cc33dd44';
const all = { subnetId: SUBNET, vpc: true, internetGatewayRoute: true };

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({
  region: 'ap-northeast-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

function table(
  id: string,
  associations: RouteTable['Associations'],
  routes: RouteTable['Routes'],
): RouteTable {
  return { RouteTableId: id, VpcId: VPC, Associations: associations, Routes: routes };
}
const local = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' };
const mainPublic = table(
  'rtb-0000000000000main',
  [{ Main: true }],
  [local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123456789abcdef0' }],
);
const explicitPrivate = table(
  'rtb-0000000000private',
  [{ SubnetId: SUBNET, Main: false }],
  [local, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' }],
);

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(DescribeSubnetsCommand).callsFake((input) => ({
    Subnets: filterValues(input, 'subnet-id').map((SubnetId) => ({ SubnetId, VpcId: VPC })),
  }));
});

describe('NetworkFactsLookup', () => {
  it('an explicitly associated table wins over the main table (NAT route: private)', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [mainPublic, explicitPrivate] });
    expect(await new NetworkFactsLookup(ec2).factsFor(all)).toEqual({
      vpcId: VPC,
      internetGatewayRoute: null,
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeRouteTablesCommand, {
      Filters: [{ Name: 'vpc-id', Values: [VPC] }],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSubnetsCommand, {
      Filters: [{ Name: 'subnet-id', Values: [SUBNET] }],
    });
  });

  it('a subnet without an explicit association uses the main table (public here)', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [explicitPrivate, mainPublic] });
    const facts = await new NetworkFactsLookup(ec2).factsFor({ ...all, subnetId: OTHER_SUBNET });
    expect(facts.internetGatewayRoute).toEqual({
      routeTableId: 'rtb-0000000000000main',
      destination: '0.0.0.0/0',
      gatewayId: 'igw-0123456789abcdef0',
    });
  });

  it('an IPv6 default route to an internet gateway makes the subnet public; an egress-only gateway does not', async () => {
    const ipv6 = table(
      'rtb-00000000000ipv6',
      [{ SubnetId: SUBNET }],
      [{ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0fedcba987654321' }],
    );
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [ipv6] });
    expect((await new NetworkFactsLookup(ec2).factsFor(all)).internetGatewayRoute).toMatchObject({
      destination: '::/0',
    });

    const egressOnly = table(
      'rtb-00000000000eigw',
      [{ SubnetId: SUBNET }],
      [
        { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-0123456789abcdef0' },
        { DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'igw-0123456789abcdef0' },
      ],
    );
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [egressOnly] });
    expect((await new NetworkFactsLookup(ec2).factsFor(all)).internetGatewayRoute).toBeNull();
  });

  it('follows route-table pagination', async () => {
    ec2Mock
      .on(DescribeRouteTablesCommand)
      .resolvesOnce({ RouteTables: [explicitPrivate], NextToken: 'page-2' })
      .resolvesOnce({ RouteTables: [mainPublic] });
    const facts = await new NetworkFactsLookup(ec2).factsFor({ ...all, subnetId: OTHER_SUBNET });
    expect(facts.internetGatewayRoute?.routeTableId).toBe('rtb-0000000000000main');
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 2);
  });

  it('throws when no table applies (never reads the absence as private)', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
    await expect(new NetworkFactsLookup(ec2).factsFor(all)).rejects.toThrow(/no route table/);
  });

  it('throws when the subnet does not exist', async () => {
    ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    await expect(new NetworkFactsLookup(ec2).factsFor(all)).rejects.toThrow(`subnet ${SUBNET} not found`);
  });

  it('wraps an SDK failure with what was being looked up', async () => {
    ec2Mock
      .on(DescribeSubnetsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const failure = new NetworkFactsLookup(ec2).factsFor(all);
    await expect(failure).rejects.toThrow(NetworkLookupError);
    await expect(failure).rejects.toThrow(
      `EC2 lookup of subnet ${SUBNET} failed (UnauthorizedOperation: not authorized)`,
    );
  });

  it('finds open ingress over IPv4 and IPv6 in one call for all uncached groups', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-0000000000000open',
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        },
        {
          GroupId: 'sg-000000000000open6',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          ],
        },
        {
          GroupId: 'sg-00000000000tight',
          IpPermissions: [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
        },
      ],
    });
    const lookup = new NetworkFactsLookup(ec2);
    const groups = ['sg-0000000000000open', 'sg-000000000000open6', 'sg-00000000000tight'];
    const facts = await lookup.factsFor({
      subnetId: SUBNET,
      vpc: false,
      internetGatewayRoute: false,
      securityGroupIds: groups,
    });
    expect(facts).toEqual({
      openIngress: [
        { groupId: 'sg-0000000000000open', cidr: '0.0.0.0/0' },
        { groupId: 'sg-000000000000open6', cidr: '::/0' },
      ],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSecurityGroupsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, {
      Filters: [{ Name: 'group-id', Values: groups }],
    });
  });

  it('throws when a security group is not returned', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const needed = {
      subnetId: SUBNET,
      vpc: false,
      internetGatewayRoute: false,
      securityGroupIds: ['sg-0000000000missing'],
    };
    await expect(new NetworkFactsLookup(ec2).factsFor(needed)).rejects.toThrow(
      'security group sg-0000000000missing not found',
    );
  });

  it('caches facts (also across concurrent callers) until the TTL passes', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [explicitPrivate] });
    let now = 0;
    const lookup = new NetworkFactsLookup(ec2, { ttlMs: 1000, now: () => now });
    await Promise.all([lookup.factsFor(all), lookup.factsFor(all), lookup.factsFor(all)]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 1);
    now = 999;
    await lookup.factsFor(all);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 1);
    now = 1000;
    await lookup.factsFor(all);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 2);
  });

  it('never caches a failure', async () => {
    ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [explicitPrivate] });
    ec2Mock
      .on(DescribeSubnetsCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Subnets: [{ SubnetId: SUBNET, VpcId: VPC }] });
    const lookup = new NetworkFactsLookup(ec2);
    await expect(lookup.factsFor(all)).rejects.toThrow('throttled');
    await expect(lookup.factsFor(all)).resolves.toEqual({ vpcId: VPC, internetGatewayRoute: null });
  });

  it('asks nothing when no fact is needed', async () => {
    expect(
      await new NetworkFactsLookup(ec2).factsFor({
        vpc: false,
        internetGatewayRoute: false,
      }),
    ).toEqual({});
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('a checked notebook without security groups has no open ingress, asking nothing', async () => {
    const needed = { subnetId: SUBNET, vpc: false, internetGatewayRoute: false, securityGroupIds: [] };
    expect(await new NetworkFactsLookup(ec2).factsFor(needed)).toEqual({ openIngress: [] });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  describe('batched lookups', () => {
    const subnetIds = (count: number, offset = 0) =>
      Array.from({ length: count }, (_, i) => `subnet-${(offset + i).toString(16).padStart(17, '0')}`);
    const subnetCalls = () => ec2Mock.commandCalls(DescribeSubnetsCommand).map((call) => call.args[0].input);

    it('subnets asked for together go in one call; those asked for while it is on its way go in the next', async () => {
      const lookup = new NetworkFactsLookup(ec2);
      const [first, second] = [subnetIds(3), subnetIds(4, 3)];
      const firstWave = Promise.all(first.map((id) => lookup.vpcOf(id)));
      await Promise.resolve();
      const secondWave = Promise.all(second.map((id) => lookup.vpcOf(id)));
      expect(await firstWave).toEqual([VPC, VPC, VPC]);
      expect(await secondWave).toEqual([VPC, VPC, VPC, VPC]);
      expect(subnetCalls().map((input) => filterValues(input, 'subnet-id'))).toEqual([first, second]);
    });

    it(`splits more than ${MAX_IDS_PER_CALL} ids over several calls`, async () => {
      const ids = subnetIds(MAX_IDS_PER_CALL + 5);
      const lookup = new NetworkFactsLookup(ec2);
      await Promise.all(ids.map((id) => lookup.vpcOf(id)));
      expect(subnetCalls().map((input) => filterValues(input, 'subnet-id').length)).toEqual([
        MAX_IDS_PER_CALL,
        5,
      ]);
    });

    it('an id the filter does not match fails alone; the others of its call are answered', async () => {
      const [known, missing] = subnetIds(2);
      ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: known, VpcId: VPC }] });
      const lookup = new NetworkFactsLookup(ec2);
      const answers = await Promise.allSettled([lookup.vpcOf(known ?? ''), lookup.vpcOf(missing ?? '')]);
      expect(answers).toEqual([
        { status: 'fulfilled', value: VPC },
        { status: 'rejected', reason: new NetworkLookupError(`subnet ${missing} not found`) },
      ]);
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 1);
    });

    it('a failed call fails every id it carried, names each, and caches none of them', async () => {
      const ids = subnetIds(2);
      ec2Mock
        .on(DescribeSubnetsCommand)
        .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }))
        .callsFake((input) => ({
          Subnets: filterValues(input, 'subnet-id').map((SubnetId) => ({ SubnetId, VpcId: VPC })),
        }));
      const lookup = new NetworkFactsLookup(ec2);
      const failed = await Promise.allSettled(ids.map((id) => lookup.vpcOf(id)));
      expect(failed.map((answer) => answer.status === 'rejected' && String(answer.reason))).toEqual(
        ids.map(
          (id) =>
            `NetworkLookupError: EC2 lookup of subnet ${id} failed (RequestLimitExceeded: Rate exceeded)`,
        ),
      );
      expect(await Promise.all(ids.map((id) => lookup.vpcOf(id)))).toEqual([VPC, VPC]);
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    });

    it('route tables of several VPCs in one call, each VPC with its own tables', async () => {
      const otherVpc = 'vpc-0bb22cc33dd44ee55';
      const otherTable = { ...mainPublic, RouteTableId: 'rtb-00000000000other', VpcId: otherVpc };
      ec2Mock
        .on(DescribeRouteTablesCommand)
        .resolves({ RouteTables: [explicitPrivate, mainPublic, otherTable] });
      const lookup = new NetworkFactsLookup(ec2);
      const [own, other] = await Promise.all([
        lookup.internetGatewayRouteOf(SUBNET, VPC),
        lookup.internetGatewayRouteOf(SUBNET, otherVpc),
      ]);
      expect(own).toBeNull();
      expect(other?.routeTableId).toBe('rtb-00000000000other');
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 1);
      expect(ec2Mock).toHaveReceivedCommandWith(DescribeRouteTablesCommand, {
        Filters: [{ Name: 'vpc-id', Values: [VPC, otherVpc] }],
      });
    });

    it('follows the pages of a batched call', async () => {
      const [first, second] = subnetIds(2);
      ec2Mock
        .on(DescribeSubnetsCommand)
        .resolvesOnce({ Subnets: [{ SubnetId: first, VpcId: VPC }], NextToken: 'page-2' })
        .resolvesOnce({ Subnets: [{ SubnetId: second, VpcId: VPC }] });
      const lookup = new NetworkFactsLookup(ec2);
      expect(await Promise.all([lookup.vpcOf(first ?? ''), lookup.vpcOf(second ?? '')])).toEqual([VPC, VPC]);
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    });
  });
});
