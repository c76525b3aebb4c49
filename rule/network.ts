/**
 * The EC2 facts a check needs — subnet → VPC, the subnet's internet-gateway route, open ingress — looked up
 * once and cached for a short time, so a sweep over thousands of notebooks in a few subnets makes a few calls
 * and a warm Lambda makes none. Lookups are batched: ids asked for while a call is on its way go together in
 * the next call, with a filter over many ids (`subnet-id`, `vpc-id`, `group-id`): a filter simply matches
 * nothing for an id that does not exist, where a list of ids would fail the whole call. A failed lookup is
 * never cached and never guessed around: it throws, for every id of the failed call.
 */
import {
  type EC2Client,
  type Filter,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
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
import { describeError } from './text';

export const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
/**
 * Ids in one filter. EC2 caps the values of a filter (200 where its reference states a number; not stated
 * for these three calls): 100 stays under it, and a sweep rarely has more subnets or groups in flight.
 */
export const MAX_IDS_PER_CALL = 100;

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

interface Pending<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** How one kind of EC2 resource is fetched by many ids at once, and named in errors. */
interface BatchSource<T> {
  /** `subnet`, `security group`, `route tables of`: the start of "<what> <id> not found". */
  readonly what: string;
  /** What the call found, by requested id; an id it did not find is absent. */
  fetch(ids: readonly string[]): Promise<ReadonlyMap<string, T>>;
}

/**
 * Ids asked for in the same turn of the event loop, or while a call of this kind is on its way, go together
 * in the next call (at most MAX_IDS_PER_CALL each): the first id waits for nothing, the rest for one call.
 */
class BatchedLookup<T> {
  private queued = new Map<string, Pending<T>>();
  private busy = false;

  constructor(private readonly source: BatchSource<T>) {}

  load(id: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.set(id, { resolve, reject });
      if (this.busy) return;
      this.busy = true;
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queued.size > 0) {
      const batch = [...this.queued];
      this.queued = new Map();
      const calls: Promise<void>[] = [];
      for (let start = 0; start < batch.length; start += MAX_IDS_PER_CALL) {
        calls.push(this.call(batch.slice(start, start + MAX_IDS_PER_CALL)));
      }
      await Promise.all(calls);
    }
    this.busy = false;
  }

  private async call(batch: ReadonlyArray<readonly [string, Pending<T>]>): Promise<void> {
    const { what } = this.source;
    let found: ReadonlyMap<string, T>;
    try {
      found = await this.source.fetch(batch.map(([id]) => id));
    } catch (error) {
      for (const [id, pending] of batch) pending.reject(lookupFailed(`${what} ${id}`, error));
      return;
    }
    for (const [id, pending] of batch) {
      const value = found.get(id);
      if (value === undefined) pending.reject(new NetworkLookupError(`${what} ${id} not found`));
      else pending.resolve(value);
    }
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
  private readonly vpcBySubnet: Cached<string>;
  private readonly routeTablesByVpc: Cached<readonly RouteTable[]>;
  private readonly securityGroups: Cached<SecurityGroup>;

  constructor(ec2: EC2Client, options: NetworkFactsOptions = {}) {
    const cached = <T>(source: BatchSource<T>): Cached<T> => {
      const cache = new LookupCache<T>(options.ttlMs ?? DEFAULT_CACHE_TTL_MS, options.now ?? Date.now);
      const batches = new BatchedLookup(source);
      return (id) => cache.get(id, () => batches.load(id));
    };
    this.vpcBySubnet = cached(subnetVpcs(ec2));
    this.routeTablesByVpc = cached(vpcRouteTables(ec2));
    this.securityGroups = cached(securityGroupsById(ec2));
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
    return this.vpcBySubnet(subnetId);
  }

  /**
   * The subnet's explicitly associated route table, else the VPC's main table (a subnet a scan sees planned,
   * not yet in EC2, has no association: its VPC's main table answers).
   */
  async internetGatewayRouteOf(subnetId: string, vpcId: string): Promise<InternetGatewayRoute | null> {
    const tables = await this.routeTablesByVpc(vpcId);
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

  async openIngressOf(groupIds: readonly string[]): Promise<OpenIngress[]> {
    const groups = await Promise.all(groupIds.map((id) => this.securityGroups(id)));
    return groups.flatMap(openIngressRules);
  }
}

type Cached<T> = (id: string) => Promise<T>;

const idFilter = (name: string, ids: readonly string[]): Filter[] => [{ Name: name, Values: [...ids] }];

function subnetVpcs(ec2: EC2Client): BatchSource<string> {
  return {
    what: 'subnet',
    async fetch(ids) {
      const vpcs = new Map<string, string>();
      const pages = paginateDescribeSubnets(
        { client: ec2, pageSize: 1000 },
        { Filters: idFilter('subnet-id', ids) },
      );
      for await (const page of pages) {
        for (const { SubnetId, VpcId } of page.Subnets ?? [])
          if (SubnetId && VpcId) vpcs.set(SubnetId, VpcId);
      }
      return vpcs;
    },
  };
}

/** Every VPC asked for gets its tables, none if it has none (the check then fails loudly: no table applies). */
function vpcRouteTables(ec2: EC2Client): BatchSource<readonly RouteTable[]> {
  return {
    what: 'route tables of',
    async fetch(ids) {
      const tables = new Map<string, RouteTable[]>(ids.map((id) => [id, []]));
      const pages = paginateDescribeRouteTables(
        { client: ec2, pageSize: 100 },
        { Filters: idFilter('vpc-id', ids) },
      );
      for await (const page of pages) {
        for (const table of page.RouteTables ?? []) if (table.VpcId) tables.get(table.VpcId)?.push(table);
      }
      return tables;
    },
  };
}

function securityGroupsById(ec2: EC2Client): BatchSource<SecurityGroup> {
  return {
    what: 'security group',
    async fetch(ids) {
      const groups = new Map<string, SecurityGroup>();
      const pages = paginateDescribeSecurityGroups(
        { client: ec2, pageSize: 1000 },
        { Filters: idFilter('group-id', ids) },
      );
      for await (const page of pages) {
        for (const group of page.SecurityGroups ?? []) if (group.GroupId) groups.set(group.GroupId, group);
      }
      return groups;
    },
  };
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

/** A failed EC2 call as a NetworkLookupError that says what was being looked up. */
function lookupFailed(what: string, error: unknown): NetworkLookupError {
  return new NetworkLookupError(`EC2 lookup of ${what} failed (${describeError(error)})`, { cause: error });
}
