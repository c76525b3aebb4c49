/**
 * Config's custom-rule event (no type exists in @types/aws-lambda): parsing, applicability, and the
 * inflation of an oversized configuration item. Both CI shapes — the notification's (`ARN`, `awsAccountId`,
 * `configuration` as an object) and GetResourceConfigHistory's (`arn`, `accountId`, `configuration` as a JSON
 * string) — become the same ConfigurationItem view here and nowhere else.
 *
 * Applicability scenarios (numbers shared with test/rule/config/event.test.ts):
 *   A1  status OK or ResourceDiscovered, type AWS::SageMaker::NotebookInstance → applicable
 *   A2  status ResourceDeleted, ResourceNotRecorded or ResourceDeletedNotRecorded → NOT_APPLICABLE
 *   A3  eventLeftScope: true → NOT_APPLICABLE
 *   A4  a CI of another resource type → NOT_APPLICABLE (reported under that CI's own type)
 */

import type { ConfigurationItem as ApiConfigurationItem } from '@aws-sdk/client-config-service';
import { NOTEBOOK_RESOURCE_TYPE } from '../notebook';
import { describeValue } from '../text';

/** Re-exported where the Config path has always offered it. */
export { NOTEBOOK_RESOURCE_TYPE };

/** The event Config sends a custom Lambda rule. */
export interface ConfigRuleEvent {
  readonly invokingEvent: string;
  readonly ruleParameters?: string;
  readonly resultToken: string;
  readonly eventLeftScope?: boolean;
  readonly executionRoleArn?: string;
  readonly configRuleArn?: string;
  readonly configRuleName: string;
  readonly configRuleId?: string;
  readonly accountId: string;
  readonly version?: string;
}

const APPLICABLE_STATUSES = ['OK', 'ResourceDiscovered'] as const;
const CONFIGURATION_ITEM_STATUSES = [
  ...APPLICABLE_STATUSES,
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
] as const;
export type ConfigurationItemStatus = (typeof CONFIGURATION_ITEM_STATUSES)[number];

/** What an oversized notification carries instead of the item; the part every CI view shares. */
export interface ConfigurationItemSummary {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly arn?: string;
  readonly accountId: string;
  readonly captureTime: Date;
  /** `resourceCreationTime`: when the notebook was created (the Security Hub finding's first-observed time). */
  readonly creationTime?: Date;
  readonly status: ConfigurationItemStatus;
}

/** Our one view of a configuration item, whichever shape it arrived in. */
export interface ConfigurationItem extends ConfigurationItemSummary {
  /** CloudFormation-style keys; read only by notebook.ts. null for deleted resources. */
  readonly configuration: unknown;
  readonly tags: Readonly<Record<string, string>>;
}

export type InvokingEvent =
  | {
      readonly messageType: 'ConfigurationItemChangeNotification';
      readonly configurationItem: ConfigurationItem;
    }
  | {
      readonly messageType: 'OversizedConfigurationItemChangeNotification';
      readonly configurationItemSummary: ConfigurationItemSummary;
    }
  | {
      readonly messageType: 'ScheduledNotification';
      readonly accountId: string;
      readonly notificationTime: Date;
    };
export type MessageType = InvokingEvent['messageType'];

export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

type Fields = Record<string, unknown>;

export function parseRuleEvent(raw: unknown): ConfigRuleEvent {
  const event = asObject(raw, 'event');
  const eventLeftScope = event.eventLeftScope;
  if (eventLeftScope !== undefined && typeof eventLeftScope !== 'boolean') {
    throw new MalformedEventError('event.eventLeftScope must be a boolean');
  }
  const ruleParameters = optionalString(event, 'ruleParameters', 'event');
  return {
    invokingEvent: requiredString(event, 'invokingEvent', 'event'),
    ...(ruleParameters !== undefined && { ruleParameters }),
    resultToken: requiredString(event, 'resultToken', 'event'),
    ...(eventLeftScope !== undefined && { eventLeftScope }),
    configRuleName: requiredString(event, 'configRuleName', 'event'),
    accountId: requiredString(event, 'accountId', 'event'),
    ...optionalStrings(event, ['executionRoleArn', 'configRuleArn', 'configRuleId', 'version']),
  };
}

export function parseInvokingEvent(invokingEvent: string): InvokingEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(invokingEvent);
  } catch {
    throw new MalformedEventError('event.invokingEvent is not valid JSON');
  }
  const event = asObject(raw, 'invokingEvent');
  const messageType = requiredString(event, 'messageType', 'invokingEvent');
  switch (messageType) {
    case 'ConfigurationItemChangeNotification':
      return {
        messageType,
        configurationItem: fromNotification(asObject(event.configurationItem, 'configurationItem')),
      };
    case 'OversizedConfigurationItemChangeNotification':
      return {
        messageType,
        configurationItemSummary: summaryFromNotification(
          asObject(event.configurationItemSummary, 'configurationItemSummary'),
          'configurationItemSummary',
        ),
      };
    case 'ScheduledNotification':
      return {
        messageType,
        accountId: requiredString(event, 'awsAccountId', 'invokingEvent'),
        notificationTime: requiredTime(event, 'notificationCreationTime', 'invokingEvent'),
      };
    default:
      throw new MalformedEventError(`unsupported invokingEvent.messageType ${describeValue(messageType)}`);
  }
}

/** The notification shape: `ARN`, `awsAccountId`, `configuration` as an object. */
function fromNotification(item: Fields): ConfigurationItem {
  const where = 'configurationItem';
  return {
    ...summaryFromNotification(item, where),
    configuration: item.configuration ?? null,
    tags: stringMap(item.tags, `${where}.tags`),
  };
}

function summaryFromNotification(item: Fields, where: string): ConfigurationItemSummary {
  const arn = optionalString(item, 'ARN', where);
  const resourceName = optionalString(item, 'resourceName', where);
  const creationTime = optionalTime(item, 'resourceCreationTime', where);
  return {
    resourceType: requiredString(item, 'resourceType', where),
    resourceId: requiredString(item, 'resourceId', where),
    ...(resourceName !== undefined && { resourceName }),
    ...(arn !== undefined && { arn }),
    accountId: requiredString(item, 'awsAccountId', where),
    captureTime: requiredTime(item, 'configurationItemCaptureTime', where),
    ...(creationTime && { creationTime }),
    status: status(item.configurationItemStatus, where),
  };
}

/** The API shape (GetResourceConfigHistory): `arn`, `accountId`, `configuration` as a JSON string. */
export function fromApiShape(item: ApiConfigurationItem): ConfigurationItem {
  const where = 'GetResourceConfigHistory configurationItem';
  const { resourceType, resourceId, accountId, configurationItemCaptureTime: captureTime } = item;
  if (!resourceType || !resourceId || !accountId || !captureTime) {
    throw new MalformedEventError(`${where} lacks resourceType, resourceId, accountId or capture time`);
  }
  return {
    resourceType,
    resourceId,
    ...(item.resourceName !== undefined && { resourceName: item.resourceName }),
    ...(item.arn !== undefined && { arn: item.arn }),
    accountId,
    captureTime,
    ...(item.resourceCreationTime && { creationTime: item.resourceCreationTime }),
    status: status(item.configurationItemStatus, where),
    configuration: parseConfigurationString(item.configuration, where),
    tags: stringMap(item.tags, `${where}.tags`),
  };
}

export type Applicability =
  | { readonly applicable: true }
  | { readonly applicable: false; readonly reason: string };

export function applicability(
  item: Pick<ConfigurationItem, 'resourceType' | 'status'>,
  eventLeftScope: boolean | undefined,
): Applicability {
  if (item.resourceType !== NOTEBOOK_RESOURCE_TYPE) {
    return { applicable: false, reason: `Not a notebook instance (${item.resourceType})` };
  }
  if (eventLeftScope) return { applicable: false, reason: 'Resource left the rule scope' };
  if (!(APPLICABLE_STATUSES as readonly string[]).includes(item.status)) {
    return { applicable: false, reason: `Notebook instance no longer recorded (${item.status})` };
  }
  return { applicable: true };
}

/** The notebook's name: configuration first (read in notebook.ts), then resourceName, then the ARN. */
export function fallbackNotebookName(item: ConfigurationItemSummary): string {
  return item.resourceName ?? item.arn?.split('/').at(-1) ?? item.resourceId;
}

function parseConfigurationString(configuration: string | undefined, where: string): unknown {
  if (configuration === undefined || configuration === '') return null;
  try {
    return JSON.parse(configuration);
  } catch {
    throw new MalformedEventError(`${where}.configuration is not valid JSON`);
  }
}

function status(value: unknown, where: string): ConfigurationItemStatus {
  if (typeof value === 'string' && (CONFIGURATION_ITEM_STATUSES as readonly string[]).includes(value)) {
    return value as ConfigurationItemStatus;
  }
  throw new MalformedEventError(
    `${where}.configurationItemStatus is missing or unknown: ${describeValue(value)}`,
  );
}

function asObject(value: unknown, where: string): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedEventError(`${where} must be an object, got ${describeValue(value)}`);
  }
  return value as Fields;
}

function requiredString(fields: Fields, key: string, where: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value === '') {
    throw new MalformedEventError(`${where}.${key} must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

function optionalString(fields: Fields, key: string, where: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedEventError(`${where}.${key} must be a string`);
  return value;
}

function optionalStrings<K extends string>(fields: Fields, keys: readonly K[]): Partial<Record<K, string>> {
  const present = keys.flatMap((key) => {
    const value = optionalString(fields, key, 'event');
    return value === undefined ? [] : [[key, value] as const];
  });
  return Object.fromEntries(present) as Partial<Record<K, string>>;
}

function requiredTime(fields: Fields, key: string, where: string): Date {
  return parseTime(requiredString(fields, key, where), key, where);
}

function optionalTime(fields: Fields, key: string, where: string): Date | undefined {
  const text = optionalString(fields, key, where);
  return text === undefined ? undefined : parseTime(text, key, where);
}

function parseTime(text: string, key: string, where: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new MalformedEventError(`${where}.${key} is not a timestamp`);
  return time;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const map = asObject(value, where);
  for (const [key, entry] of Object.entries(map)) {
    if (typeof entry !== 'string')
      throw new MalformedEventError(`${where} value of ${describeValue(key)} must be a string`);
  }
  return map as Record<string, string>;
}
