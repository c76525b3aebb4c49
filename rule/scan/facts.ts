/**
 * The network facts of a planned notebook, from the file where it defines them and — with `--live` — from
 * EC2 (read-only, the rule's own cached lookups) for what already exists. A fact neither can give is left
 * out with the reason, so its check is reported as not evaluated rather than guessed (S11).
 */
import type {
  FactsNeeded,
  InternetGatewayRoute,
  NetworkFactName,
  NetworkFacts,
  OpenIngress,
} from '../evaluate';
import { ANYWHERE, type NetworkFactsLookup } from '../network';
import {
  display,
  type PlannedFile,
  type PlannedNotebook,
  type PlannedRouteTable,
  type Reference,
  sameReference,
} from './planned';

/** The read-only EC2 lookups a scan may make with --live. */
export type LiveNetwork = Pick<NetworkFactsLookup, 'vpcOf' | 'internetGatewayRouteOf' | 'openIngressOf'>;

/** A fact that cannot be had: the reason becomes the unevaluated check's. */
class Unknowable {
  constructor(readonly reason: string) {}
}

type Fact<T> = T | Unknowable;

export async function plannedFacts(
  notebook: PlannedNotebook,
  needed: FactsNeeded,
  planned: PlannedFile,
  live: LiveNetwork | undefined,
): Promise<NetworkFacts> {
  const subnet = notebook.subnet;
  if (!subnet || !needed.subnetId) return {};
  const resolver = new Resolver(planned, live);
  const vpc = needed.vpc || needed.internetGatewayRoute ? await resolver.vpcOf(subnet) : undefined;
  const [internetGatewayRoute, openIngress] = await Promise.all([
    needed.internetGatewayRoute && vpc ? resolver.internetGatewayRoute(subnet, vpc) : undefined,
    needed.securityGroupIds ? resolver.openIngress(notebook.securityGroups) : undefined,
  ]);
  const facts: Partial<Record<NetworkFactName, unknown>> = {};
  const missing: Partial<Record<NetworkFactName, string>> = {};
  const record = (name: NetworkFactName, fact: Fact<unknown> | undefined) => {
    if (fact instanceof Unknowable) missing[name] = fact.reason;
    else if (fact !== undefined) facts[name] = fact;
  };
  record('vpcId', needed.vpc && vpc ? (vpc instanceof Unknowable ? vpc : display(vpc)) : undefined);
  record('internetGatewayRoute', internetGatewayRoute);
  record('openIngress', openIngress);
  return { ...(facts as NetworkFacts), ...(Object.keys(missing).length > 0 && { missing }) };
}

class Resolver {
  constructor(
    private readonly planned: PlannedFile,
    private readonly live: LiveNetwork | undefined,
  ) {}

  private get network() {
    return this.planned.network;
  }

  async vpcOf(subnet: Reference): Promise<Fact<Reference>> {
    switch (subnet.kind) {
      case 'unknown':
        return new Unknowable(subnet.reason);
      case 'id':
        return this.live
          ? { kind: 'id', id: await this.live.vpcOf(subnet.id) }
          : this.offline(`subnet ${subnet.id} is not defined in the file`);
      case 'resource': {
        const vpc = this.network.subnets.get(subnet.key)?.vpc;
        if (!vpc) return new Unknowable(`${subnet.key} is not a subnet this scan can read`);
        return vpc.kind === 'unknown' ? new Unknowable(vpc.reason) : vpc;
      }
    }
  }

  async internetGatewayRoute(
    subnet: Reference,
    vpc: Fact<Reference>,
  ): Promise<Fact<InternetGatewayRoute | null>> {
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
          ? `subnet ${subnet.id} is not defined in the file`
          : `${display(subnet)} would use the main route table of ${vpc.id}, which is not defined in the file`,
      );
    }
    return this.live.internetGatewayRouteOf(display(subnet), vpc.id);
  }

  private routeOfTable(table: Reference): Fact<InternetGatewayRoute | null> {
    if (table.kind === 'unknown') return new Unknowable(table.reason);
    if (table.kind === 'id') {
      return new Unknowable(
        `route table ${table.id} is not defined in the file (its routes are not looked up)`,
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

  async openIngress(groups: readonly Reference[]): Promise<Fact<OpenIngress[]>> {
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
      if (!this.live) return this.offline(`security group(s) ${existing.join(', ')} not defined in the file`);
      open.push(...(await this.live.openIngressOf(existing)));
    }
    return open;
  }

  private offline(what: string): Unknowable {
    return new Unknowable(`could not be evaluated offline: ${what} (--live looks it up read-only)`);
  }
}
