/**
 * The EC2 facts a check needs — subnet → VPC, the subnet's internet-gateway route, open ingress — looked up
 * once and cached for a short time, so a sweep over thousands of notebooks in a few subnets makes a few calls
 * and a warm Lambda makes none. A failed lookup is never cached and never guessed around: it throws.
 */
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  paginateDescribeRouteTables,
  type RouteTable,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  ANYWHERE,
  type FactsNeeded,
  type InternetGatewayRoute,
  type NetworkFacts,
  type OpenIngress,
} from './evaluate';

export const DEFAULT_CACHE_TTL_MS = 5 * 60_000;

export class NetworkLookupError extends Error {
  override readonly name = 'NetworkLookupError';
}

interface CacheEntry<T> {
  readonly expiresAt: number;
  readonly value: Promise<T>;
}

/** A TTL cache of in-flight or settled lookups; rejected lookups are dropped so they are retried next time. */
class LookupCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  has(key: string): boolean {
    const cached = this.entries.get(key);
    return cached !== undefined && cached.expiresAt > this.now();
  }

  get(key: string, lookup: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const value = lookup();
    this.entries.set(key, { expiresAt: this.now() + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}

export interface NetworkFactsOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** Where a door gets the facts the enabled checks need: EC2 (the rule, the hook) or a file (the scans). */
export interface NetworkFactsSource {
  factsFor(needed: FactsNeeded): Promise<NetworkFacts>;
}

/** One per account and region: facts are only shared between notebooks that see the same EC2. */
export class NetworkFactsLookup implements NetworkFactsSource {
  private readonly vpcBySubnet: LookupCache<string>;
  private readonly routeTablesByVpc: LookupCache<readonly RouteTable[]>;
  private readonly securityGroups: LookupCache<SecurityGroup>;

  constructor(
    private readonly ec2: EC2Client,
    options: NetworkFactsOptions = {},
  ) {
    const ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    const now = options.now ?? Date.now;
    this.vpcBySubnet = new LookupCache(ttlMs, now);
    this.routeTablesByVpc = new LookupCache(ttlMs, now);
    this.securityGroups = new LookupCache(ttlMs, now);
  }

  async factsFor(needed: FactsNeeded): Promise<NetworkFacts> {
    const { subnetId } = needed;
    if (!subnetId) return {};
    const [vpcId, openIngress] = await Promise.all([
      needed.vpc ? this.vpcOf(subnetId) : undefined,
      needed.securityGroupIds ? this.openIngressOf(needed.securityGroupIds) : undefined,
    ]);
    const internetGatewayRoute =
      needed.internetGatewayRoute && vpcId !== undefined
        ? await this.internetGatewayRouteOf(subnetId, vpcId)
        : undefined;
    return {
      ...(vpcId !== undefined && { vpcId }),
      ...(internetGatewayRoute !== undefined && { internetGatewayRoute }),
      ...(openIngress !== undefined && { openIngress }),
    };
  }

  vpcOf(subnetId: string): Promise<string> {
    return this.vpcBySubnet.get(subnetId, () =>
      lookup(`subnet ${subnetId}`, async () => {
        const { Subnets = [] } = await this.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
        const vpcId = Subnets.find((subnet) => subnet.SubnetId === subnetId)?.VpcId;
        if (!vpcId) throw new NetworkLookupError(`subnet ${subnetId} not found`);
        return vpcId;
      }),
    );
  }

  /**
   * The subnet's explicitly associated route table, else the VPC's main table (a subnet a scan sees planned,
   * not yet in EC2, has no association: its VPC's main table answers).
   */
  async internetGatewayRouteOf(subnetId: string, vpcId: string): Promise<InternetGatewayRoute | null> {
    const tables = await this.routeTablesByVpc.get(vpcId, () =>
      lookup(`route tables of ${vpcId}`, async () => {
        const tables: RouteTable[] = [];
        const pages = paginateDescribeRouteTables(
          { client: this.ec2 },
          { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] },
        );
        for await (const page of pages) tables.push(...(page.RouteTables ?? []));
        return tables;
      }),
    );
    const table =
      tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId)) ??
      tables.find((t) => t.Associations?.some((a) => a.Main === true));
    if (!table?.RouteTableId) {
      throw new NetworkLookupError(`no route table (explicit or main) found for ${subnetId} in ${vpcId}`);
    }
    const route = table.Routes?.find(
      (r) =>
        r.GatewayId?.startsWith('igw-') &&
        ANYWHERE.includes(r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? ''),
    );
    if (!route?.GatewayId) return null;
    return {
      routeTableId: table.RouteTableId,
      destination: route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? '',
      gatewayId: route.GatewayId,
    };
  }

  /** Groups not yet cached are fetched in one call; the cache entries are registered before any await. */
  async openIngressOf(groupIds: readonly string[]): Promise<OpenIngress[]> {
    if (groupIds.length === 0) return [];
    const missing = groupIds.filter((id) => !this.securityGroups.has(id));
    const fetched =
      missing.length > 0
        ? lookup(`security groups ${missing.join(', ')}`, async () => {
            const { SecurityGroups = [] } = await this.ec2.send(
              new DescribeSecurityGroupsCommand({ GroupIds: [...missing] }),
            );
            return SecurityGroups;
          })
        : Promise.resolve([]);
    const groups = await Promise.all(
      groupIds.map((id) =>
        this.securityGroups.get(id, async () => {
          const group = (await fetched).find((g) => g.GroupId === id);
          if (!group) throw new NetworkLookupError(`security group ${id} not found`);
          return group;
        }),
      ),
    );
    return groups.flatMap(openIngressRules);
  }
}

function openIngressRules(group: SecurityGroup): OpenIngress[] {
  const groupId = group.GroupId ?? '';
  return (group.IpPermissions ?? [])
    .flatMap((permission) => [
      ...(permission.IpRanges ?? []).map((range) => range.CidrIp),
      ...(permission.Ipv6Ranges ?? []).map((range) => range.CidrIpv6),
    ])
    .filter((cidr): cidr is string => cidr !== undefined && ANYWHERE.includes(cidr))
    .map((cidr) => ({ groupId, cidr }));
}

/** Runs an EC2 lookup, turning any failure into a NetworkLookupError that says what was being looked up. */
async function lookup<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NetworkLookupError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new NetworkLookupError(`EC2 lookup of ${what} failed (${reason})`, { cause: error });
  }
}
