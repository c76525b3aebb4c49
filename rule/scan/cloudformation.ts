/**
 * A CloudFormation template (JSON or YAML, short-form intrinsics included; e.g. cdk.out/*.template.json) →
 * the planned notebooks and network. `Ref` / `Fn::GetAtt` to a resource of the template become references
 * to it; a parameter, an import or any other function cannot be known before deployment, and says so.
 */
import {
  type CollectionTag,
  type Document,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type ScalarTag,
} from 'yaml';
import { describeValue } from '../text';
import { PlannedNetworkBuilder } from './network-builder';
import type {
  PlannedFile,
  PlannedIngress,
  PlannedNotebook,
  PlannedRoute,
  Reference,
  SourceLocation,
} from './planned';
import { display, ScanInputError } from './planned';

const NOTEBOOK = 'AWS::SageMaker::NotebookInstance';

/** The template reference's intrinsic functions, each in its YAML short form (scalar, sequence and map). */
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Equals',
  'And',
  'Or',
  'Not',
  'Length',
  'ToJsonString',
] as const;

const SHORT_FORMS: (ScalarTag | CollectionTag)[] = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  // `!GetAtt Resource.Attribute`: the first dot separates (attributes may contain dots).
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': splitOnce(value) }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (seq) => ({ 'Fn::GetAtt': seq.toJSON() }) },
  ...FUNCTIONS.flatMap((name): (ScalarTag | CollectionTag)[] => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [`Fn::${name}`]: seq.toJSON() }) },
    { tag: `!${name}`, collection: 'map', resolve: (map) => ({ [`Fn::${name}`]: map.toJSON() }) },
  ]),
];

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** Where a template came from, for locations and for references it cannot follow. */
export interface TemplateOrigin {
  readonly file: string;
  /** Default `the file`. */
  readonly scope?: string;
  /** Line and column of a logical id, where the source has them. */
  readonly locate: (logicalId: string) => { line?: number; column?: number };
  /**
   * A `Ref` / `Fn::GetAtt` to a name the template does not define: a malformed file (the default, an error)
   * or, for a template assembled from part of a CDK app, a resource defined elsewhere.
   */
  readonly undefinedReference?: (where: string, name: string) => Reference;
}

export function readCloudFormationTemplate(text: string, file: string): PlannedFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { customTags: SHORT_FORMS, lineCounter: lines, uniqueKeys: true });
  const [error] = document.errors;
  if (error) {
    const at = error.linePos?.[0];
    throw new ScanInputError(
      `${file}: not valid JSON or YAML${at ? ` (line ${at.line}, column ${at.col})` : ''}: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  return plannedFromTemplate(document.toJS(), {
    file,
    locate: (logicalId) => lineOf(document, lines, logicalId),
  });
}

/** A parsed template (Resources, Parameters) → the planned notebooks and network. */
export function plannedFromTemplate(template: unknown, origin: TemplateOrigin): PlannedFile {
  const { file } = origin;
  const resources = templateResources(template, file);
  const parameters = new Set(Object.keys(section(template, 'Parameters', file)));
  const resolve = new ValueReader(origin, resources, parameters);
  const locate = (logicalId: string): SourceLocation => ({
    file,
    name: logicalId,
    ...origin.locate(logicalId),
  });

  const notebooks: PlannedNotebook[] = [];
  const network = new PlannedNetworkBuilder();

  for (const [logicalId, resource] of resources) {
    const properties = resource.Properties ?? {};
    const at = (property: string) => `${logicalId}.${property}`;
    switch (resource.Type) {
      case NOTEBOOK:
        notebooks.push(resolve.notebook(properties, locate(logicalId)));
        break;
      case 'AWS::EC2::VPC':
        network.vpc(logicalId);
        break;
      case 'AWS::EC2::Subnet':
        network.subnet(logicalId, resolve.reference(properties.VpcId, at('VpcId')));
        break;
      case 'AWS::EC2::RouteTable':
        network.routeTable({ kind: 'resource', key: logicalId });
        break;
      case 'AWS::EC2::Route': {
        const table = resolve.reference(properties.RouteTableId, at('RouteTableId'));
        const destination = properties.DestinationCidrBlock ?? properties.DestinationIpv6CidrBlock;
        const route: PlannedRoute = {
          ...(typeof destination === 'string' && { destination }),
          ...(properties.GatewayId !== undefined && {
            gateway: resolve.reference(properties.GatewayId, at('GatewayId')),
          }),
        };
        network.routeTable(table, [route]);
        break;
      }
      case 'AWS::EC2::SubnetRouteTableAssociation':
        network.association(
          resolve.reference(properties.SubnetId, at('SubnetId')),
          resolve.reference(properties.RouteTableId, at('RouteTableId')),
        );
        break;
      case 'AWS::EC2::InternetGateway':
        network.internetGateway(logicalId);
        break;
      case 'AWS::EC2::SecurityGroup': {
        const inline = properties.SecurityGroupIngress;
        const rules = Array.isArray(inline)
          ? inline.map((rule) => resolve.ingressRule(rule))
          : inline === undefined
            ? []
            : [{}];
        network.securityGroup({ kind: 'resource', key: logicalId }, rules);
        break;
      }
      case 'AWS::EC2::SecurityGroupIngress': {
        const group = resolve.reference(properties.GroupId, at('GroupId'));
        network.securityGroup(group, [resolve.ingressRule(properties)]);
        break;
      }
    }
  }
  return {
    file,
    kind: 'CloudFormation template',
    scope: origin.scope ?? 'the file',
    notebooks,
    network: network.build(),
  };
}

class ValueReader {
  private readonly file: string;

  constructor(
    private readonly origin: TemplateOrigin,
    private readonly resources: ReadonlyMap<string, TemplateResource>,
    private readonly parameters: ReadonlySet<string>,
  ) {
    this.file = origin.file;
  }

  notebook(properties: Readonly<Record<string, unknown>>, location: SourceLocation): PlannedNotebook {
    const at = (property: string) => `${location.name}.${property}`;
    const subnet =
      properties.SubnetId === undefined ? undefined : this.reference(properties.SubnetId, at('SubnetId'));
    const groups = properties.SecurityGroupIds;
    const securityGroups = Array.isArray(groups)
      ? groups.map((group, i) => this.reference(group, `${at('SecurityGroupIds')}[${i}]`))
      : groups === undefined
        ? []
        : [this.reference(groups, at('SecurityGroupIds'))];
    const unresolved = [
      subnet?.kind === 'unknown' ? subnet.reason : undefined,
      this.literalOrReason(properties.DirectInternetAccess, at('DirectInternetAccess')),
      this.tagKeysReason(properties.Tags, at('Tags')),
    ].find((reason) => reason !== undefined);
    const name = properties.NotebookInstanceName;
    return {
      location,
      properties: {
        ...(typeof name === 'string' && { NotebookInstanceName: name }),
        ...(subnet && { SubnetId: display(subnet) }),
        SecurityGroupIds: securityGroups.map(display),
        ...(typeof properties.DirectInternetAccess === 'string' && {
          DirectInternetAccess: properties.DirectInternetAccess,
        }),
        ...(Array.isArray(properties.Tags) && { Tags: literalTags(properties.Tags) }),
      },
      ...(subnet && { subnet }),
      securityGroups,
      ...(unresolved && { unresolved }),
    };
  }

  /** A value naming an AWS resource: a literal id, a resource of this template, or unknowable. */
  reference(value: unknown, where: string): Reference {
    if (typeof value === 'string') return { kind: 'id', id: value };
    const fn = intrinsic(value);
    if (!fn)
      throw new ScanInputError(
        `${this.file}: ${where} must be a string or an intrinsic function, got ${describeValue(value)}`,
      );
    const [name, argument] = fn;
    if (name === 'Ref' && typeof argument === 'string') {
      if (this.resources.has(argument)) return { kind: 'resource', key: argument };
      if (this.parameters.has(argument) || argument.startsWith('AWS::')) {
        return {
          kind: 'unknown',
          reason: `cannot be known before deployment: ${where} is parameter ${argument}`,
        };
      }
      return this.undefinedReference(where, argument, `refers to ${argument}`);
    }
    if (name === 'Fn::GetAtt') {
      const [target] =
        typeof argument === 'string' ? splitOnce(argument) : Array.isArray(argument) ? argument : [];
      if (typeof target === 'string' && this.resources.has(target)) return { kind: 'resource', key: target };
      return this.undefinedReference(where, String(target), `uses Fn::GetAtt of ${describeValue(target)}`);
    }
    return {
      kind: 'unknown',
      reason: `cannot be known before deployment: ${where} is computed with ${name}`,
    };
  }

  private undefinedReference(where: string, name: string, how: string): Reference {
    if (this.origin.undefinedReference) return this.origin.undefinedReference(where, name);
    throw new ScanInputError(`${this.file}: ${where} ${how}, which the template does not define`);
  }

  /**
   * One ingress rule's sources. A source given by a function cannot be known before deployment — except a
   * template VPC's own CIDR (`Fn::GetAtt [Vpc, CidrBlock]`, CDK's Peer.ipv4(vpc.vpcCidrBlock)).
   */
  ingressRule(rule: unknown): PlannedIngress {
    if (rule === null || typeof rule !== 'object') return {};
    const fields = rule as Record<string, unknown>;
    const sources = [fields.CidrIp, fields.CidrIpv6]
      .filter((source) => source !== undefined)
      .map((source) => this.cidr(source));
    return sources.every((source) => source !== undefined) ? { cidrs: sources } : {};
  }

  private cidr(value: unknown): string | undefined {
    if (typeof value === 'string') return value;
    const [name, argument] = intrinsic(value) ?? [];
    const [target, attribute] =
      typeof argument === 'string' ? splitOnce(argument) : Array.isArray(argument) ? argument : [];
    const vpc = typeof target === 'string' ? this.resources.get(target) : undefined;
    const block = vpc?.Properties?.CidrBlock;
    const isVpcCidr = name === 'Fn::GetAtt' && vpc?.Type === 'AWS::EC2::VPC' && attribute === 'CidrBlock';
    return isVpcCidr && typeof block === 'string' ? block : undefined;
  }

  private literalOrReason(value: unknown, where: string): string | undefined {
    if (value === undefined || typeof value === 'string') return undefined;
    const fn = intrinsic(value);
    return `cannot be known before deployment: ${where} is computed with ${fn?.[0] ?? describeValue(value)}`;
  }

  private tagKeysReason(tags: unknown, where: string): string | undefined {
    if (tags === undefined) return undefined;
    if (!Array.isArray(tags)) return `cannot be known before deployment: ${where} is computed`;
    const computed = tags.find(
      (tag) =>
        tag === null || typeof tag !== 'object' || typeof (tag as Record<string, unknown>).Key !== 'string',
    );
    return computed === undefined
      ? undefined
      : `cannot be known before deployment: a key of ${where} is computed`;
  }
}

/** Tags with literal keys; a computed value stands as empty (only keys matter to the rule). */
function literalTags(tags: readonly unknown[]): { Key: string; Value: string }[] {
  return tags.flatMap((tag) => {
    const fields = tag !== null && typeof tag === 'object' ? (tag as Record<string, unknown>) : {};
    return typeof fields.Key === 'string'
      ? [{ Key: fields.Key, Value: typeof fields.Value === 'string' ? fields.Value : '' }]
      : [];
  });
}

function intrinsic(value: unknown): [string, unknown] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  const [entry] = entries;
  return entries.length === 1 && entry && (entry[0] === 'Ref' || entry[0].startsWith('Fn::'))
    ? entry
    : undefined;
}

function templateResources(template: unknown, file: string): Map<string, TemplateResource> {
  const resources = section(template, 'Resources', file);
  if (Object.keys(resources).length === 0) {
    throw new ScanInputError(`${file}: not a CloudFormation template (no Resources)`);
  }
  return new Map(
    Object.entries(resources).map(([logicalId, resource]) => {
      const fields =
        resource !== null && typeof resource === 'object' ? (resource as Record<string, unknown>) : {};
      if (typeof fields.Type !== 'string') {
        throw new ScanInputError(`${file}: resource ${logicalId} has no Type`);
      }
      const properties = fields.Properties;
      if (
        properties !== undefined &&
        (properties === null || typeof properties !== 'object' || Array.isArray(properties))
      ) {
        throw new ScanInputError(`${file}: Properties of ${logicalId} must be a mapping`);
      }
      return [
        logicalId,
        {
          Type: fields.Type,
          ...(properties !== undefined && { Properties: properties as Record<string, unknown> }),
        },
      ];
    }),
  );
}

function section(template: unknown, name: string, file: string): Readonly<Record<string, unknown>> {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new ScanInputError(`${file}: not a CloudFormation template (the document is not a mapping)`);
  }
  const value = (template as Record<string, unknown>)[name];
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ScanInputError(`${file}: ${name} must be a mapping`);
  }
  return value as Record<string, unknown>;
}

/** The line and column of a resource's logical id in the file. */
function lineOf(
  document: Document,
  lines: LineCounter,
  logicalId: string,
): { line?: number; column?: number } {
  const resources = isMap(document.contents) ? document.contents.get('Resources', true) : undefined;
  if (!isMap(resources)) return {};
  const pair = resources.items.find((item) => isScalar(item.key) && item.key.value === logicalId);
  const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function splitOnce(value: string): [string, string] {
  const dot = value.indexOf('.');
  return dot === -1 ? [value, ''] : [value.slice(0, dot), value.slice(dot + 1)];
}
