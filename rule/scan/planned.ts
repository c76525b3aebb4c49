/**
 * What a template or a Terraform plan says about notebooks and their network, before any of it exists: the
 * one model both readers (cloudformation.ts, terraform-plan.ts) produce and facts.ts resolves. A value the
 * file gives is an existing AWS id, a resource the file itself creates (by logical id or address), or
 * something that cannot be known before deployment, with the reason.
 */

export type Reference =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'resource'; readonly key: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Where a finding points: the file, the logical id or resource address, and its line where findable. */
export interface SourceLocation {
  readonly file: string;
  /** CloudFormation logical id or Terraform resource address. */
  readonly name: string;
  readonly line?: number;
  readonly column?: number;
}

export interface PlannedNotebook {
  readonly location: SourceLocation;
  /**
   * The notebook's properties with CloudFormation names (SubnetId, SecurityGroupIds, DirectInternetAccess,
   * Tags, NotebookInstanceName), network values replaced by displayable ids — for notebook.ts to read.
   */
  readonly properties: Readonly<Record<string, unknown>>;
  /** undefined = no subnet. */
  readonly subnet?: Reference;
  readonly securityGroups: readonly Reference[];
  /** Set when a property the rule reads cannot be known before deployment: nothing is judged then. */
  readonly unresolved?: string;
}

export interface PlannedRoute {
  /** undefined = not knowable before deployment. */
  readonly destination?: string;
  /** undefined = the route targets something other than a gateway (NAT, endpoint, …). */
  readonly gateway?: Reference;
}

export interface PlannedRouteTable {
  readonly routes: readonly PlannedRoute[];
}

export interface PlannedIngress {
  /** CIDRs the rule allows in; undefined = not knowable before deployment. */
  readonly cidrs?: readonly string[];
}

/** The network resources the file creates, keyed by logical id / address. */
export interface PlannedNetwork {
  readonly vpcs: ReadonlySet<string>;
  readonly subnets: ReadonlyMap<string, { readonly vpc: Reference }>;
  readonly routeTables: ReadonlyMap<string, PlannedRouteTable>;
  readonly associations: readonly { readonly subnet: Reference; readonly routeTable: Reference }[];
  /** A file-created VPC's main route table when the file replaces or fills it (Terraform only). */
  readonly mainRouteTables: ReadonlyMap<string, Reference>;
  readonly internetGateways: ReadonlySet<string>;
  readonly securityGroups: ReadonlyMap<string, readonly PlannedIngress[]>;
}

export interface PlannedFile {
  readonly file: string;
  readonly kind: 'CloudFormation template' | 'Terraform plan';
  /** What "defined in …" refers to in reasons: `the file`, or a CDK stack. */
  readonly scope: string;
  readonly notebooks: readonly PlannedNotebook[];
  readonly network: PlannedNetwork;
}

/** The file cannot be read as what it claims to be: the scan stops (exit status 2) with this one line. */
export class ScanInputError extends Error {
  override readonly name = 'ScanInputError';
}

/** The text a Reference stands for in a notebook view and an annotation. */
export function display(reference: Reference): string {
  switch (reference.kind) {
    case 'id':
      return reference.id;
    case 'resource':
      return reference.key;
    case 'unknown':
      return '(unknown)';
  }
}

export function sameReference(a: Reference, b: Reference): boolean {
  if (a.kind === 'id' && b.kind === 'id') return a.id === b.id;
  if (a.kind === 'resource' && b.kind === 'resource') return a.key === b.key;
  return false;
}
