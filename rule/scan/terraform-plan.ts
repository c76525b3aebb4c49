/**
 * The JSON of `terraform show -json <planfile>` → the planned notebooks and network. Planned values are read
 * from `resource_changes[].change.after`; a value known only after apply (`change.after_unknown`) is followed
 * through the configuration's expression references to the planned aws_subnet, aws_route_table, aws_route,
 * aws_route_table_association, aws_internet_gateway or aws_security_group that will produce it.
 */
import { describeValue } from '../text';
import { PlannedNetworkBuilder } from './network-builder';
import {
  display,
  type PlannedFile,
  type PlannedIngress,
  type PlannedNotebook,
  type PlannedRoute,
  type Reference,
  ScanInputError,
} from './planned';

/** The parts of Terraform's JSON plan representation this reader uses. */
export interface TerraformPlan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly configuration?: { readonly root_module?: ConfigurationModule };
}

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly change: {
    readonly actions: readonly string[];
    readonly after: Readonly<Record<string, unknown>> | null;
    readonly after_unknown?: Readonly<Record<string, unknown>>;
  };
}

export interface ConfigurationModule {
  readonly resources?: readonly ConfigurationResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigurationModule }>>;
}

export interface ConfigurationResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly expressions?: Readonly<
    Record<string, Expression | readonly Readonly<Record<string, Expression>>[]>
  >;
}

export interface Expression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}

const NOTEBOOK = 'aws_sagemaker_notebook_instance';
/** The VPC attributes that name its main route table. */
const MAIN_ROUTE_TABLE_ATTRIBUTES = ['main_route_table_id', 'default_route_table_id'];

export function readTerraformPlan(text: string, file: string): PlannedFile {
  const plan = parsePlan(text, file);
  const changes = (plan.resource_changes ?? []).filter(
    (rc) => rc.mode === 'managed' && rc.change.after !== null,
  );
  const reader = new PlanReader(file, changes, plan.configuration?.root_module);
  const resourceChangesAt = text.indexOf('"resource_changes"');

  const notebooks: PlannedNotebook[] = [];
  const network = new PlannedNetworkBuilder();

  for (const rc of changes) {
    const value = (attribute: string) => reader.value(rc, attribute);
    const reference = (attribute: string) => reader.reference(rc, attribute);
    switch (rc.type) {
      case NOTEBOOK:
        notebooks.push({
          ...reader.notebook(rc),
          location: { file, name: rc.address, ...lineOf(text, rc.address, resourceChangesAt) },
        });
        break;
      case 'aws_vpc':
        network.vpc(rc.address);
        break;
      case 'aws_subnet':
        network.subnet(rc.address, reference('vpc_id') ?? unknown(`${rc.address}.vpc_id is not set`));
        break;
      case 'aws_route_table':
        network.routeTable({ kind: 'resource', key: rc.address }, reader.inlineRoutes(rc, 'route'));
        break;
      case 'aws_default_route_table':
        network.routeTable(reference('default_route_table_id'), reader.inlineRoutes(rc, 'route'));
        break;
      case 'aws_route': {
        const destination = value('destination_cidr_block') ?? value('destination_ipv6_cidr_block');
        const gateway = reference('gateway_id');
        network.routeTable(reference('route_table_id'), [
          { ...(typeof destination === 'string' && { destination }), ...(gateway && { gateway }) },
        ]);
        break;
      }
      case 'aws_route_table_association': {
        const subnet = reference('subnet_id');
        const routeTable = reference('route_table_id');
        if (subnet && routeTable) network.association(subnet, routeTable);
        break;
      }
      case 'aws_main_route_table_association': {
        const vpc = reference('vpc_id');
        const routeTable = reference('route_table_id');
        if (vpc?.kind === 'resource' && routeTable) network.mainRouteTable(vpc.key, routeTable);
        break;
      }
      case 'aws_internet_gateway':
        network.internetGateway(rc.address);
        break;
      case 'aws_security_group':
        network.securityGroup({ kind: 'resource', key: rc.address }, reader.inlineIngress(rc));
        break;
      case 'aws_security_group_rule':
        if (value('type') === 'ingress')
          network.securityGroup(reference('security_group_id'), [
            reader.cidrs(rc, ['cidr_blocks', 'ipv6_cidr_blocks']),
          ]);
        break;
      case 'aws_vpc_security_group_ingress_rule':
        network.securityGroup(reference('security_group_id'), [reader.cidrs(rc, ['cidr_ipv4', 'cidr_ipv6'])]);
        break;
    }
  }
  // Routes added to a new VPC's main table (through its main_route_table_id) make it that VPC's main table.
  for (const [vpc, main] of network.routedMainTables(mainTableKey)) {
    network.mainRouteTable(vpc, { kind: 'resource', key: main });
  }
  return {
    file,
    kind: 'Terraform plan',
    scope: 'the file',
    notebooks,
    network: network.build(),
  };
}

class PlanReader {
  private readonly addresses: ReadonlySet<string>;

  constructor(
    private readonly file: string,
    changes: readonly ResourceChange[],
    private readonly root: ConfigurationModule | undefined,
  ) {
    this.addresses = new Set(changes.map((rc) => rc.address));
  }

  notebook(rc: ResourceChange): Omit<PlannedNotebook, 'location'> {
    const name = this.value(rc, 'name');
    const subnet = this.reference(rc, 'subnet_id');
    const securityGroups = this.references(rc, 'security_groups');
    const directInternetAccess = this.value(rc, 'direct_internet_access');
    const tags = this.value(rc, 'tags_all') ?? this.value(rc, 'tags');
    const unresolved = [
      subnet?.kind === 'unknown' ? subnet.reason : undefined,
      directInternetAccess === UNKNOWN
        ? `cannot be known before apply: ${rc.address}.direct_internet_access`
        : undefined,
      tags === UNKNOWN ? `cannot be known before apply: ${rc.address}.tags` : undefined,
    ].find((reason) => reason !== undefined);
    return {
      properties: {
        ...(typeof name === 'string' && { NotebookInstanceName: name }),
        ...(subnet && { SubnetId: display(subnet) }),
        SecurityGroupIds: securityGroups.map(display),
        // Absent means Enabled, the API default (notebook.ts reads it so).
        ...(typeof directInternetAccess === 'string' && { DirectInternetAccess: directInternetAccess }),
        ...(isRecord(tags) && {
          Tags: Object.entries(tags).map(([Key, Value]) => ({
            Key,
            Value: typeof Value === 'string' ? Value : '',
          })),
        }),
      },
      ...(subnet && { subnet }),
      securityGroups,
      ...(unresolved && { unresolved }),
    };
  }

  /** A planned value; UNKNOWN when known only after apply; undefined when not set. */
  value(rc: ResourceChange, attribute: string): unknown {
    if (isUnknown(rc.change.after_unknown?.[attribute])) return UNKNOWN;
    const value = rc.change.after?.[attribute];
    return value === null || value === '' ? undefined : value;
  }

  /** A single id-valued attribute as a Reference; undefined when not set. */
  reference(rc: ResourceChange, attribute: string): Reference | undefined {
    const value = this.value(rc, attribute);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return { kind: 'id', id: value };
    if (value !== UNKNOWN)
      throw new ScanInputError(
        `${this.file}: ${rc.address}.${attribute} must be a string, got ${describeValue(value)}`,
      );
    return this.followReferences(
      rc,
      this.expression(rc, attribute)?.references,
      `${rc.address}.${attribute}`,
    );
  }

  /** A set of ids (security groups): the known ones, or the planned resources the expression references. */
  references(rc: ResourceChange, attribute: string): Reference[] {
    const value = this.value(rc, attribute);
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every((id) => typeof id === 'string'))
      return value.map((id) => ({ kind: 'id', id }));
    const where = `${rc.address}.${attribute}`;
    const references = mostSpecific(this.expression(rc, attribute)?.references ?? []);
    const targets = [...new Set(references.map((ref) => this.resourceOf(rc, ref)))];
    if (targets.length === 0 || targets.includes(undefined)) {
      return [
        unknown(
          `cannot be known before apply: ${where} is computed from ${references[0] ?? 'an expression'}`,
        ),
      ];
    }
    return targets.flatMap((key) => (key ? [{ kind: 'resource', key } as const] : []));
  }

  /** Inline route blocks (aws_route_table / aws_default_route_table). */
  inlineRoutes(rc: ResourceChange, attribute: string): PlannedRoute[] {
    const after = rc.change.after?.[attribute];
    const unknowns = rc.change.after_unknown?.[attribute];
    const blocks = this.blockExpressions(rc, attribute);
    if (!Array.isArray(after)) {
      // The whole set is known only after apply: read the blocks as written.
      if (unknowns !== true) return [];
      return blocks.map((block, i) => {
        const destination = block.cidr_block?.constant_value ?? block.ipv6_cidr_block?.constant_value;
        const gateway = block.gateway_id;
        return {
          ...(typeof destination === 'string' && destination !== '' && { destination }),
          ...(gateway && {
            gateway:
              typeof gateway.constant_value === 'string'
                ? ({ kind: 'id', id: gateway.constant_value } as const)
                : this.followReferences(
                    rc,
                    gateway.references,
                    `${rc.address}.${attribute}[${i}].gateway_id`,
                  ),
          }),
        };
      });
    }
    return after.map((route: unknown, i) => {
      const fields = isRecord(route) ? route : {};
      const unknownFields = Array.isArray(unknowns) && isRecord(unknowns[i]) ? unknowns[i] : {};
      const destination = [fields.cidr_block, fields.ipv6_cidr_block].find(
        (d) => typeof d === 'string' && d !== '',
      );
      const gatewayUnknown = isUnknown(unknownFields.gateway_id);
      const gatewayId = fields.gateway_id;
      const gateway: Reference | undefined = gatewayUnknown
        ? this.followReferences(
            rc,
            blocks[i]?.gateway_id?.references,
            `${rc.address}.${attribute}[${i}].gateway_id`,
          )
        : typeof gatewayId === 'string' && gatewayId !== ''
          ? { kind: 'id', id: gatewayId }
          : undefined;
      const destinationKnown =
        !isUnknown(unknownFields.cidr_block) && !isUnknown(unknownFields.ipv6_cidr_block);
      return {
        ...(destinationKnown && typeof destination === 'string' && { destination }),
        ...(gateway && { gateway }),
      };
    });
  }

  /** Inline ingress blocks of an aws_security_group. */
  inlineIngress(rc: ResourceChange): PlannedIngress[] {
    const after = rc.change.after?.ingress;
    const unknowns = rc.change.after_unknown?.ingress;
    if (!Array.isArray(after)) return unknowns === true ? [{}] : [];
    return after.map((rule: unknown, i) => {
      const unknownFields = Array.isArray(unknowns) && isRecord(unknowns[i]) ? unknowns[i] : {};
      if (isUnknown(unknownFields.cidr_blocks) || isUnknown(unknownFields.ipv6_cidr_blocks)) return {};
      const fields = isRecord(rule) ? rule : {};
      const cidrs = [fields.cidr_blocks, fields.ipv6_cidr_blocks].flatMap((list) =>
        Array.isArray(list) ? list : [],
      );
      return cidrs.every((cidr) => typeof cidr === 'string') ? { cidrs } : {};
    });
  }

  /** The sources of a standalone ingress rule. */
  cidrs(rc: ResourceChange, attributes: readonly string[]): PlannedIngress {
    const values = attributes.map((attribute) => this.value(rc, attribute));
    if (values.includes(UNKNOWN)) return {};
    const cidrs = values.flatMap((value) =>
      Array.isArray(value) ? value : value === undefined ? [] : [value],
    );
    return cidrs.every((cidr) => typeof cidr === 'string') ? { cidrs } : {};
  }

  private followReferences(
    rc: ResourceChange,
    references: readonly string[] | undefined,
    where: string,
  ): Reference {
    const targets = [
      ...new Set(
        mostSpecific(references ?? [])
          .map((ref) => this.resourceOf(rc, ref))
          .filter((key) => key !== undefined),
      ),
    ];
    const [target] = targets;
    if (targets.length === 1 && target) return { kind: 'resource', key: target };
    const from = references?.[0];
    return unknown(`cannot be known before apply: ${where} is computed${from ? ` from ${from}` : ''}`);
  }

  /**
   * The planned resource a configuration reference names (`aws_subnet.private.id`, `aws_subnet.private[0]`,
   * `aws_vpc.main.main_route_table_id`), resolved in the referring resource's module; undefined for anything
   * else (variables, locals, module outputs, data sources).
   */
  private resourceOf(rc: ResourceChange, reference: string): string | undefined {
    const match = /^([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)(\[[^\]]+\])?(?:\.([\w.]+))?$/.exec(reference);
    if (
      !match ||
      ['var', 'local', 'module', 'data', 'each', 'count', 'path', 'self', 'terraform'].includes(
        match[1] ?? '',
      )
    ) {
      return undefined;
    }
    const [, type, name, index = '', attribute] = match;
    const prefix = rc.module_address ? `${rc.module_address}.` : '';
    const address = `${prefix}${type}.${name}${index}`;
    if (type === 'aws_vpc' && attribute && MAIN_ROUTE_TABLE_ATTRIBUTES.includes(attribute)) {
      return this.addresses.has(address) ? mainTableKey(address) : undefined;
    }
    if (this.addresses.has(address)) return address;
    // `aws_subnet.private` of a counted resource names its one instance only when there is one.
    const instances = [...this.addresses].filter((a) => a.startsWith(`${address}[`));
    return index === '' && instances.length === 1 ? instances[0] : undefined;
  }

  private expression(rc: ResourceChange, attribute: string): Expression | undefined {
    const expression = this.configurationOf(rc)?.expressions?.[attribute];
    return expression && !Array.isArray(expression) ? (expression as Expression) : undefined;
  }

  private blockExpressions(
    rc: ResourceChange,
    attribute: string,
  ): readonly Readonly<Record<string, Expression>>[] {
    const blocks = this.configurationOf(rc)?.expressions?.[attribute];
    return Array.isArray(blocks) ? blocks : [];
  }

  private configurationOf(rc: ResourceChange): ConfigurationResource | undefined {
    let module = this.root;
    for (const call of (rc.module_address ?? '')
      .split('.')
      .filter((_, i, parts) => parts[i - 1] === 'module')) {
      module = module?.module_calls?.[call.replace(/\[.*$/, '')]?.module;
    }
    return module?.resources?.find((resource) => resource.type === rc.type && resource.name === rc.name);
  }
}

const UNKNOWN = Symbol('known after apply');

/** Terraform lists `aws_vpc.main.main_route_table_id` and then `aws_vpc.main`: the first says which attribute. */
function mostSpecific(references: readonly string[]): string[] {
  return references.filter(
    (ref) =>
      !references.some(
        (other) => other !== ref && (other.startsWith(`${ref}.`) || other.startsWith(`${ref}[`)),
      ),
  );
}

function mainTableKey(vpcAddress: string): string {
  return `${vpcAddress}.main_route_table_id`;
}

function unknown(reason: string): Reference {
  return { kind: 'unknown', reason };
}

/** after_unknown marks a value known only after apply with `true`, anywhere inside lists and objects. */
function isUnknown(marker: unknown): boolean {
  if (marker === true) return true;
  if (Array.isArray(marker)) return marker.some(isUnknown);
  return isRecord(marker) && Object.values(marker).some(isUnknown);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parsePlan(text: string, file: string): TerraformPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new ScanInputError(
      `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isRecord(plan) || typeof plan.format_version !== 'string') {
    throw new ScanInputError(
      `${file}: not the output of \`terraform show -json <planfile>\` (no format_version)`,
    );
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new ScanInputError(`${file}: resource_changes must be a list`);
  }
  for (const rc of (plan.resource_changes ?? []) as unknown[]) {
    const change = isRecord(rc) ? rc.change : undefined;
    if (
      !isRecord(rc) ||
      typeof rc.address !== 'string' ||
      typeof rc.type !== 'string' ||
      !isRecord(change) ||
      !Array.isArray(change.actions)
    ) {
      throw new ScanInputError(
        `${file}: a resource_changes entry lacks address, type or change.actions (${describeValue(rc)})`,
      );
    }
    if (change.after !== null && change.after !== undefined && !isRecord(change.after)) {
      throw new ScanInputError(`${file}: change.after of ${rc.address} must be an object`);
    }
  }
  return plan as unknown as TerraformPlan;
}

/** The line of the resource's entry under resource_changes (`terraform show -json` writes one line: column then). */
function lineOf(text: string, address: string, from: number): { line?: number; column?: number } {
  const pattern = new RegExp(
    `"address"\\s*:\\s*${JSON.stringify(address).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    'g',
  );
  pattern.lastIndex = Math.max(0, from);
  const match = pattern.exec(text);
  if (!match) return {};
  const before = text.slice(0, match.index);
  const line = before.split('\n').length;
  return { line, column: match.index - before.lastIndexOf('\n') };
}
