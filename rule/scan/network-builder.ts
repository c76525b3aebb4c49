/** Collects the network resources a reader finds, in any order, into one PlannedNetwork. */
import type { PlannedIngress, PlannedNetwork, PlannedRoute, Reference } from './planned';

export class PlannedNetworkBuilder {
  private readonly vpcs = new Set<string>();
  private readonly subnets = new Map<string, { vpc: Reference }>();
  private readonly routes = new Map<string, PlannedRoute[]>();
  private readonly associations: { subnet: Reference; routeTable: Reference }[] = [];
  private readonly mainRouteTables = new Map<string, Reference>();
  private readonly internetGateways = new Set<string>();
  private readonly securityGroups = new Map<string, PlannedIngress[]>();

  vpc(key: string): void {
    this.vpcs.add(key);
  }

  subnet(key: string, vpc: Reference): void {
    this.subnets.set(key, { vpc });
  }

  /** Routes of a table the file creates; a table created without routes still counts (local routes only). */
  routeTable(table: Reference | undefined, routes: readonly PlannedRoute[] = []): void {
    if (table?.kind === 'resource')
      this.routes.set(table.key, [...(this.routes.get(table.key) ?? []), ...routes]);
  }

  association(subnet: Reference, routeTable: Reference): void {
    this.associations.push({ subnet, routeTable });
  }

  mainRouteTable(vpc: string, routeTable: Reference): void {
    this.mainRouteTables.set(vpc, routeTable);
  }

  internetGateway(key: string): void {
    this.internetGateways.add(key);
  }

  /** Ingress rules of a group the file creates (inline or separate); a group without rules still counts. */
  securityGroup(group: Reference | undefined, rules: readonly PlannedIngress[] = []): void {
    if (group?.kind === 'resource') {
      this.securityGroups.set(group.key, [...(this.securityGroups.get(group.key) ?? []), ...rules]);
    }
  }

  /** The file-created VPCs whose main route table the file gives routes under this key, without replacing it. */
  routedMainTables(keyOf: (vpc: string) => string): [string, string][] {
    return [...this.vpcs]
      .filter((vpc) => this.routes.has(keyOf(vpc)) && !this.mainRouteTables.has(vpc))
      .map((vpc) => [vpc, keyOf(vpc)]);
  }

  build(): PlannedNetwork {
    return {
      vpcs: this.vpcs,
      subnets: this.subnets,
      routeTables: new Map([...this.routes].map(([key, routes]) => [key, { routes }])),
      associations: this.associations,
      mainRouteTables: this.mainRouteTables,
      internetGateways: this.internetGateways,
      securityGroups: this.securityGroups,
    };
  }
}
