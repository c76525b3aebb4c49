import { describe, expect, it } from 'vitest';
import {
  applicability,
  fallbackNotebookName,
  fromApiShape,
  MalformedEventError,
  NOTEBOOK_RESOURCE_TYPE,
  parseInvokingEvent,
  parseRuleEvent,
} from '../../../rule/config/event';
import {
  apiItem,
  changeEvent,
  notificationItem,
  oversizedEvent,
  SCHEDULED_TIME,
  scheduledEvent,
} from '../../fixtures/events';

describe('parseRuleEvent / parseInvokingEvent', () => {
  it('reads a change notification into the one CI view', () => {
    const event = parseRuleEvent(changeEvent(notificationItem()));
    const invoking = parseInvokingEvent(event.invokingEvent);
    expect(invoking.messageType).toBe('ConfigurationItemChangeNotification');
    if (invoking.messageType !== 'ConfigurationItemChangeNotification') return;
    expect(invoking.configurationItem).toMatchObject({
      resourceType: NOTEBOOK_RESOURCE_TYPE,
      resourceId: 'Fraud-Model-Dev',
      resourceName: 'Fraud-Model-Dev',
      arn: 'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/fraud-model-dev',
      accountId: '111122223333',
      captureTime: new Date('2026-11-20T08:15:30.123Z'),
      creationTime: new Date('2026-10-01T02:00:00.000Z'),
      status: 'OK',
      tags: { team: 'fraud', 'cost-center': 'ml-1234' },
    });
  });

  it('a missing creation time is left out; an unreadable one is a malformed event', () => {
    const withoutTime = parseInvokingEvent(
      changeEvent(notificationItem({ top: { resourceCreationTime: null } })).invokingEvent,
    );
    if (withoutTime.messageType !== 'ConfigurationItemChangeNotification') throw new Error('wrong type');
    expect(withoutTime.configurationItem).not.toHaveProperty('creationTime');
    expect(() =>
      parseInvokingEvent(
        changeEvent(notificationItem({ top: { resourceCreationTime: 'yesterday' } })).invokingEvent,
      ),
    ).toThrow(/configurationItem.resourceCreationTime is not a timestamp/);
  });

  it('the API shape (configuration as a string) becomes the same view as the notification shape', () => {
    const fromNotification = parseInvokingEvent(changeEvent(notificationItem()).invokingEvent);
    if (fromNotification.messageType !== 'ConfigurationItemChangeNotification') throw new Error('wrong type');
    expect(fromApiShape(apiItem())).toEqual(fromNotification.configurationItem);
  });

  it('reads an oversized notification summary, and a scheduled notification', () => {
    const oversized = parseInvokingEvent(oversizedEvent(notificationItem()).invokingEvent);
    expect(oversized).toMatchObject({
      messageType: 'OversizedConfigurationItemChangeNotification',
      configurationItemSummary: {
        resourceId: 'Fraud-Model-Dev',
        status: 'OK',
        resourceName: 'Fraud-Model-Dev',
      },
    });
    expect(parseInvokingEvent(scheduledEvent().invokingEvent)).toEqual({
      messageType: 'ScheduledNotification',
      accountId: '111122223333',
      notificationTime: new Date(SCHEDULED_TIME),
    });
  });

  it.each([
    [null, 'event must be an object'],
    ['text', 'event must be an object'],
    [{}, 'event.invokingEvent must be a non-empty string'],
    [{ ...changeEvent(notificationItem()), resultToken: undefined }, 'event.resultToken'],
    [{ ...changeEvent(notificationItem()), accountId: 42 }, 'event.accountId'],
    [{ ...changeEvent(notificationItem()), eventLeftScope: 'false' }, 'eventLeftScope must be a boolean'],
    [{ ...changeEvent(notificationItem()), ruleParameters: {} }, 'event.ruleParameters must be a string'],
  ])('rejects a malformed rule event %#', (raw, message) => {
    expect(() => parseRuleEvent(raw)).toThrow(MalformedEventError);
    expect(() => parseRuleEvent(raw)).toThrow(message);
  });

  it.each([
    ['{', 'not valid JSON'],
    ['[]', 'invokingEvent must be an object'],
    ['{"messageType":"ComplianceChangeNotification"}', 'unsupported invokingEvent.messageType'],
    [
      '{"messageType":"ConfigurationItemChangeNotification","configurationItem":null}',
      'configurationItem must be an object',
    ],
    [
      '{"messageType":"ScheduledNotification","awsAccountId":"1","notificationCreationTime":"yesterday"}',
      'not a timestamp',
    ],
  ])('rejects a malformed invoking event %s', (text, message) => {
    expect(() => parseInvokingEvent(text)).toThrow(message);
  });

  it.each([
    [{ configurationItemStatus: 'Gone' }, 'configurationItemStatus is missing or unknown'],
    [{ resourceId: '' }, 'resourceId must be a non-empty string'],
    [{ configurationItemCaptureTime: 12 }, 'configurationItemCaptureTime'],
    [{ tags: { team: 1 } }, 'tags value of "team" must be a string'],
  ])('rejects a malformed configuration item %#', (top, message) => {
    const event = changeEvent(notificationItem({ top }));
    expect(() => parseInvokingEvent(event.invokingEvent)).toThrow(message);
  });

  it('rejects an API-shape item whose configuration is not JSON', () => {
    expect(() => fromApiShape(apiItem({ top: { configuration: '{oops' } }))).toThrow(
      'configuration is not valid JSON',
    );
  });
});

describe('applicability', () => {
  it.each(['OK', 'ResourceDiscovered'] as const)(
    'A1: a notebook CI with status %s is applicable',
    (status) => {
      expect(applicability({ resourceType: NOTEBOOK_RESOURCE_TYPE, status }, false)).toEqual({
        applicable: true,
      });
    },
  );

  it.each(['ResourceDeleted', 'ResourceNotRecorded', 'ResourceDeletedNotRecorded'] as const)(
    'A2: status %s is NOT_APPLICABLE',
    (status) => {
      expect(applicability({ resourceType: NOTEBOOK_RESOURCE_TYPE, status }, false)).toEqual({
        applicable: false,
        reason: `Notebook instance no longer recorded (${status})`,
      });
    },
  );

  it('A3: eventLeftScope is NOT_APPLICABLE', () => {
    expect(applicability({ resourceType: NOTEBOOK_RESOURCE_TYPE, status: 'OK' }, true)).toEqual({
      applicable: false,
      reason: 'Resource left the rule scope',
    });
  });

  it('A4: another resource type is NOT_APPLICABLE', () => {
    expect(applicability({ resourceType: 'AWS::EC2::Instance', status: 'OK' }, false)).toMatchObject({
      applicable: false,
    });
  });
});

describe('fallbackNotebookName', () => {
  it('prefers resourceName, then the ARN, then the resource id', () => {
    const base = {
      resourceType: NOTEBOOK_RESOURCE_TYPE,
      resourceId: 'id-1',
      accountId: '1',
      captureTime: new Date(),
      status: 'OK' as const,
    };
    expect(fallbackNotebookName({ ...base, resourceName: 'Name', arn: 'arn:x/lower' })).toBe('Name');
    expect(fallbackNotebookName({ ...base, arn: 'arn:aws:sagemaker:r:1:notebook-instance/lower' })).toBe(
      'lower',
    );
    expect(fallbackNotebookName(base)).toBe('id-1');
  });
});
