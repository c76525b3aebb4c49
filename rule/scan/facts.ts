/**
 * The network facts of a planned notebook, from the file where it defines them and — with `--live` — from
 * EC2 (read-only, the rule's own cached lookups) for what already exists. A fact neither can give is left
 * out with the reason, so its check is reported as not evaluated rather than guessed (S11).
 */
import {
  ANYWHERE,
  type FactsNeeded,
  type InternetGatewayRoute,
  type NetworkFactName,
  type NetworkFacts,
  type OpenIngress,
} from '../evaluate';

import {
  display,
  type PlannedFile,
  type PlannedNotebook,
  type PlannedRouteTable,
  type Reference,
  sameReference,
} from './planned';

/**
 * The read-only EC2 lookups a scan may make with --live (the rule's NetworkFactsLookup has them; typed here so
 * that what the CDK aspect shares with the scans needs no SDK).
 */
export interface LiveNetwork {
  vpcOf(subnetId: string): Promise<string>;
  internetGatewayRouteOf(subnetId: string, vpcId: string): Promise<InternetGatewayRoute | null>;
  openIngressOf(groupIds: readonly string[]): Promise<OpenIngress[]>;
}

/** A fact that cannot be had: the reason becomes the unevaluated check's. */
class Unknowable {
  constructor(readonly reason: string) {}
}

type Fact<T> = T | Unknowable;
/** A fact now, or — only with --live — after an EC2 lookup. */
type Lookup<T> = Fact<T> | Promise<Fact<T>>;

/** How a scan words a fact that exists outside the file and was not looked up. */
export const OFFLINE = (what: string) =>
  `could not be evaluated offline: ${what} (--live looks it up read-only)`;

export async function plannedFacts(
  notebook: PlannedNotebook,
  needed: FactsNeeded,
  planned: PlannedFile,
  live: LiveNetwork | undefined,
  outside: (what: string) => string = OFFLINE,
): Promise<NetworkFacts> {
  const subnet = notebook.subnet;
  if (!subnet || !needed.subnetId) return {};
  const resolver = new Resolver(planned, live, outside);
  const vpc = needed.vpc || needed.internetGatewayRoute ? await resolver.vpcOf(subnet) : undefined;
  const [internetGatewayRoute, openIngress] = await Promise.all([
    needed.internetGatewayRoute && vpc ? resolver.internetGatewayRoute(subnet, vpc) : undefined,
    needed.securityGroupIds ? resolver.openIngress(notebook.securityGroups) : undefined,
  ]);
  return networkFacts(needed.vpc ? vpc : undefined, internetGatewayRoute, openIngress);
}

/** The same facts with no lookup at all (a CDK aspect runs synchronously at synth): outside facts are missing. */
export function plannedFactsWithoutLookups(
  notebook: PlannedNotebook,
  needed: FactsNeeded,
  planned: PlannedFile,
  outside: (what: string) => string,
): NetworkFacts {
  const subnet = notebook.subnet;
  if (!subnet || !needed.subnetId) return {};
  const resolver = new Resolver(planned, undefined, outside);
  const vpc = needed.vpc || needed.internetGatewayRoute ? now(resolver.vpcOf(subnet)) : undefined;
  return networkFacts(
    needed.vpc ? vpc : undefined,
    needed.internetGatewayRoute && vpc ? now(resolver.internetGatewayRoute(subnet, vpc)) : undefined,
    needed.securityGroupIds ? now(resolver.openIngress(notebook.securityGroups)) : undefined,
  );
}

/** Without --live the resolver never looks anything up. */
function now<T>(lookup: Lookup<T>): Fact<T> {
  if (lookup instanceof Promise) throw new Error('a lookup was started without --live');
  return lookup;
}

function networkFacts(
  vpc: Fact<Reference> | undefined,
  internetGatewayRoute: Fact<InternetGatewayRoute | null> | undefined,
  openIngress: Fact<OpenIngress[]> | undefined,
): NetworkFacts {
  const missing: Partial<Record<NetworkFactName, string>> = {};
  const known = <T>(name: NetworkFactName, fact: Fact<T> | undefined): T | undefined => {
    if (fact instanceof Unknowable) missing[name] = fact.reason;
    return fact instanceof Unknowable ? undefined : fact;
  };
  const vpcReference = known('vpcId', vpc);
  const route = known('internetGatewayRoute', internetGatewayRoute);
  const open = known('openIngress', openIngress);
  return {
    ...(vpcReference && { vpcId: display(vpcReference) }),
    ...(route !== undefined && { internetGatewayRoute: route }),
    ...(open !== undefined && { openIngress: open }),
    ...(Object.keys(missing).length > 0 && { missing }),
  };
}

class Resolver {
  constructor(
    private readonly planned: PlannedFile,
    private readonly live: LiveNetwork | undefined,
    private readonly outside: (what: string) => string,
  ) {}

  private get network() {
    return this.planned.network;
  }

  vpcOf(subnet: Reference): Lookup<Reference> {
    switch (subnet.kind) {
      case 'unknown':
        return new Unknowable(subnet.reason);
      case 'id':
        return this.live
          ? this.live.vpcOf(subnet.id).then((id): Reference => ({ kind: 'id', id }))
          : this.offline(`subnet ${subnet.id} is not defined in ${this.planned.scope}`);
      case 'resource': {
        const vpc = this.network.subnets.get(subnet.key)?.vpc;
        if (!vpc) return new Unknowable(`${subnet.key} is not a subnet this scan can read`);
        return vpc.kind === 'unknown' ? new Unknowable(vpc.reason) : vpc;
      }
    }
  }

  internetGatewayRoute(subnet: Reference, vpc: Fact<Reference>): Lookup<InternetGatewayRoute | null> {
    const association = this.network.associations.find((a) => sameReference(a.subnet, subnet));
    if (association) return this.routeOfTable(association.routeTable);
    if (vpc instanceof Unknowable) return vpc;
    if (subnet.kind === 'resource' && vpc.kind === 'resource') {
      // A new subnet without an association uses its new VPC's main table: local routes only, unless the
      // file replaces or fills that table.
      const main = this.network.mainRouteTables.get(vpc.key);
      return main ? this.routeOfTable(main) : null;
    }
    if (vpc.kind !== 'id') return new Unknowable(`the VPC of ${display(subnet)} is not known`);
    if (!this.live) {
      return this.offline(
        subnet.kind === 'id'
          ? `subnet ${subnet.id} is not defined in ${this.planned.scope}`
          : `${display(subnet)} would use the main route table of ${vpc.id}, which is not defined in ${this.planned.scope}`,
      );
    }
    return this.live.internetGatewayRouteOf(display(subnet), vpc.id);
  }

  private routeOfTable(table: Reference): Fact<InternetGatewayRoute | null> {
    if (table.kind === 'unknown') return new Unknowable(table.reason);
    if (table.kind === 'id') {
      return new Unknowable(
        `route table ${table.id} is not defined in ${this.planned.scope} (its routes are not looked up)`,
      );
    }
    const planned: PlannedRouteTable | undefined = this.network.routeTables.get(table.key);
    if (!planned) return new Unknowable(`${table.key} is not a route table this scan can read`);
    let uncertain: string | undefined;
    for (const route of planned.routes) {
      const gateway = route.gateway;
      if (!gateway) continue;
      if (gateway.kind === 'unknown') {
        uncertain ??= `a route of ${table.key} has a gateway not known before deployment (${gateway.reason})`;
        continue;
      }
      if (!this.isInternetGateway(gateway)) continue;
      if (route.destination === undefined) {
        uncertain ??= `a route of ${table.key} to ${display(gateway)} has a destination not known before deployment`;
        continue;
      }
      if (ANYWHERE.includes(route.destination)) {
        return { routeTableId: table.key, destination: route.destination, gatewayId: display(gateway) };
      }
    }
    return uncertain ? new Unknowable(uncertain) : null;
  }

  private isInternetGateway(gateway: Reference): boolean {
    return gateway.kind === 'id'
      ? gateway.id.startsWith('igw-')
      : gateway.kind === 'resource' && this.network.internetGateways.has(gateway.key);
  }

  openIngress(groups: readonly Reference[]): Lookup<OpenIngress[]> {
    const open: OpenIngress[] = [];
    const existing: string[] = [];
    for (const group of groups) {
      if (group.kind === 'unknown') return new Unknowable(group.reason);
      if (group.kind === 'id') {
        existing.push(group.id);
        continue;
      }
      const ingress = this.network.securityGroups.get(group.key);
      if (!ingress) return new Unknowable(`${group.key} is not a security group this scan can read`);
      for (const rule of ingress) {
        if (!rule.cidrs)
          return new Unknowable(`an ingress rule of ${group.key} has a source not known before deployment`);
        for (const cidr of rule.cidrs) if (ANYWHERE.includes(cidr)) open.push({ groupId: group.key, cidr });
      }
    }
    if (existing.length > 0) {
      if (!this.live)
        return this.offline(`security group(s) ${existing.join(', ')} not defined in ${this.planned.scope}`);
      return this.live.openIngressOf(existing).then((found) => [...open, ...found]);
    }
    return open;
  }

  private offline(what: string): Unknowable {
    return new Unknowable(this.outside(what));
  }
}
