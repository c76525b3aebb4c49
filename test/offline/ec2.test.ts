import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  paginateDescribeRouteTables,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { offlineClients } from './clients.js';

const APPROVED_VPC = 'vpc-0a1b2c3d4e5f60718';
const PRIVATE_A = 'subnet-0aa11bb22cc33dd44';
const SANDBOX_D = 'subnet-0aa11bb22cc33dd77';

const byId =
  <T>(idOf: (item: T) => string | undefined) =>
  (a: T, b: T) =>
    (idOf(a) ?? '').localeCompare(idOf(b) ?? '');

describe('EC2 XML round trips into the SDK typed shapes', () => {
  it('DescribeSubnets: every field of every subnet survives', async () => {
    const { ec2 } = offlineClients();
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
    const expected = [...loadExampleAccount().subnets].sort(byId((s) => s.SubnetId));
    expect(Subnets).toEqual(expected);
  });

  it('DescribeRouteTables: routes and associations (routeSet, associationSet) survive', async () => {
    const { ec2 } = offlineClients();
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({}));
    expect(RouteTables).toEqual([...loadExampleAccount().routeTables].sort(byId((t) => t.RouteTableId)));
    const ipv6Public = RouteTables?.find((t) =>
      t.Routes?.some((r) => r.DestinationIpv6CidrBlock === '::/0' && r.GatewayId?.startsWith('igw-')),
    );
    expect(ipv6Public?.Associations?.[0]?.SubnetId).toBe('subnet-0aa11bb22cc33dd88');
  });

  it('DescribeSecurityGroups: IpPermissions with IpRanges[].CidrIp and Ipv6Ranges[].CidrIpv6 survive', async () => {
    const { ec2 } = offlineClients();
    const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(SecurityGroups).toEqual([...loadExampleAccount().securityGroups].sort(byId((g) => g.GroupId)));
    const openIpv6 = SecurityGroups?.find((g) => g.GroupId === 'sg-0e2f3a4b5c6d7e8f1');
    expect(openIpv6?.IpPermissions?.[0]?.Ipv6Ranges?.[0]?.CidrIpv6).toBe('::/0');
    expect(openIpv6?.Description).toBe('Jupyter for the labeling vendor over IPv6');
  });

  it('empty answers deserialize as empty lists', async () => {
    const { ec2 } = offlineClients();
    const { Subnets } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-00000000000000000'] }] }),
    );
    expect(Subnets).toEqual([]);
  });
});

describe('EC2 lookups the rule makes', () => {
  it('finds a subnet by id', async () => {
    const { ec2 } = offlineClients();
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [PRIVATE_A] }));
    expect(Subnets?.map((s) => s.VpcId)).toEqual([APPROVED_VPC]);
  });

  it('finds a subnet route table by association.subnet-id, and the main one by vpc-id + association.main', async () => {
    const { ec2 } = offlineClients();
    const explicit = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [PRIVATE_A] }] }),
    );
    expect(explicit.RouteTables?.map((t) => t.RouteTableId)).toEqual(['rtb-0c1d2e3f4a5b6c7e1']);
    const none = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [SANDBOX_D] }] }),
    );
    expect(none.RouteTables).toEqual([]);
    const main = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [APPROVED_VPC] },
          { Name: 'association.main', Values: ['true'] },
        ],
      }),
    );
    expect(main.RouteTables?.map((t) => t.RouteTableId)).toEqual(['rtb-0c1d2e3f4a5b6c7d8']);
    expect(main.RouteTables?.[0]?.Routes).toContainEqual(
      expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0d4c3b2a1f0e9d8c7' }),
    );
  });

  it('finds security groups by GroupId.N and by group-id / vpc-id filters, with wildcards', async () => {
    const { ec2, offline } = offlineClients();
    const ids = ['sg-0d1e2f3a4b5c6d7e8', 'sg-0e2f3a4b5c6d7e8f0'];
    const byIds = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }));
    expect(byIds.SecurityGroups?.map((g) => g.GroupId)).toEqual(ids);
    expect(offline.requests.entries.at(-1)?.input).toMatchObject({
      'GroupId.1': ids[0],
      'GroupId.2': ids[1],
    });
    const filtered = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'group-id', Values: ids },
          { Name: 'vpc-id', Values: ['vpc-0a1b*'] },
        ],
      }),
    );
    expect(filtered.SecurityGroups).toHaveLength(2);
    const tagged = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:Name', Values: ['legacy-*'] }] }),
    );
    expect(tagged.SecurityGroups?.map((g) => g.GroupName)).toEqual([
      'legacy-analytics',
      'legacy-jupyter-open',
    ]);
  });

  it('pages with MaxResults/NextToken through the SDK paginators', async () => {
    const { ec2, offline } = offlineClients();
    const tables: string[] = [];
    for await (const page of paginateDescribeRouteTables({ client: ec2, pageSize: 5 }, {})) {
      tables.push(...(page.RouteTables ?? []).map((t) => t.RouteTableId ?? ''));
    }
    expect(tables).toHaveLength(8);
    expect(offline.requests.count('DescribeRouteTables')).toBe(2);
    let subnets = 0;
    for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, {}))
      subnets += page.Subnets?.length ?? 0;
    expect(subnets).toBe(7);
    await expect(ec2.send(new DescribeRouteTablesCommand({ MaxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(
      ec2.send(new DescribeRouteTablesCommand({ MaxResults: 5, NextToken: 'bogus' })),
    ).rejects.toMatchObject({
      name: 'InvalidPaginationToken',
    });
  });
});

describe('EC2 errors the SDK surfaces by code', () => {
  const cases: ReadonlyArray<
    readonly [
      string,
      () => DescribeSubnetsCommand | DescribeRouteTablesCommand | DescribeSecurityGroupsCommand,
      string,
      string,
    ]
  > = [
    [
      'an unknown subnet',
      () => new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] }),
      'InvalidSubnetID.NotFound',
      "The subnet ID 'subnet-0123456789abcdef0' does not exist",
    ],
    [
      'a malformed subnet id',
      () => new DescribeSubnetsCommand({ SubnetIds: ['subnet-XYZ'] }),
      'InvalidSubnetID.Malformed',
      'Invalid id',
    ],
    [
      'an unknown security group',
      () => new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] }),
      'InvalidGroup.NotFound',
      "The security group 'sg-0123456789abcdef0' does not exist",
    ],
    [
      'an unknown route table',
      () => new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0123456789abcdef0'] }),
      'InvalidRouteTableID.NotFound',
      'does not exist',
    ],
    [
      'an unknown filter',
      () => new DescribeSubnetsCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] }),
      'InvalidParameterValue',
      "The filter 'colour' is invalid",
    ],
  ];

  it.each(cases)('%s', async (_case, command, code, message) => {
    const { ec2 } = offlineClients();
    await expect(ec2.send(command())).rejects.toMatchObject({
      name: code,
      Code: code,
      message: expect.stringContaining(message),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('an EC2 action the fake does not serve is InvalidAction', async () => {
    const { ec2 } = offlineClients();
    await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'InvalidAction' });
  });

  it('inventory data the fake cannot write as XML fails loudly instead of vanishing', async () => {
    const inventory = loadExampleAccount();
    const [first, ...rest] = inventory.subnets;
    const { ec2 } = offlineClients({
      ...inventory,
      subnets: [{ ...first, Colour: 'blue' } as typeof first & object, ...rest],
    });
    await expect(ec2.send(new DescribeSubnetsCommand({}))).rejects.toThrow(
      /no XML mapping for member Colour/,
    );
  });
});
