import { describe, expect, it } from 'vitest';
import {
  MalformedNotebookError,
  notebookFromConfigurationItem,
  notebookFromDescription,
} from '../../rule/notebook';
import { apiItem, describeOutput, notificationItem } from '../fixtures/events';

const ARN = 'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/fraud-model-dev';
const expected = {
  name: 'Fraud-Model-Dev',
  arn: ARN,
  subnetId: 'subnet-0a1b2c3d4e5f60718',
  securityGroupIds: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'],
  directInternetAccess: 'Disabled',
  tags: { team: 'fraud' },
};

describe('one notebook view from three AWS shapes', () => {
  it('the notification CI, the API-shape CI and DescribeNotebookInstance give the same Notebook', () => {
    const tags = { team: 'fraud' };
    // The ARN is the item's own field (outside `configuration`); Describe carries it inside.
    expect(
      notebookFromConfigurationItem(notificationItem().configuration, 'fallback', tags, { arn: ARN }),
    ).toEqual(expected);
    expect(
      notebookFromConfigurationItem(JSON.parse(apiItem().configuration ?? ''), 'fallback', tags, {
        arn: ARN,
      }),
    ).toEqual(expected);
    expect(notebookFromDescription(describeOutput(), [{ Key: 'team', Value: 'fraud' }])).toEqual(expected);
  });

  it('the creation time comes from the item (resourceCreationTime) or Describe (CreationTime)', () => {
    const createdAt = new Date('2026-10-01T02:00:00.000Z');
    expect(
      notebookFromConfigurationItem(notificationItem().configuration, 'x', {}, { createdAt }).createdAt,
    ).toEqual(createdAt);
    expect(notebookFromDescription(describeOutput({ CreationTime: createdAt }), []).createdAt).toEqual(
      createdAt,
    );
  });

  it('a CI never reads Describe names, and Describe never reads CI names', () => {
    // Each shape carries the other's field name with a different value: reading the wrong one shows.
    const ci = notificationItem({ configuration: { SecurityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] } })
      .configuration as Record<string, unknown>;
    ci.SecurityGroups = ['sg-0bbbbbbbbbbbbbbbb'];
    expect(notebookFromConfigurationItem(ci, 'x', {}).securityGroupIds).toEqual(['sg-0aaaaaaaaaaaaaaaa']);
    const description = {
      ...describeOutput({ SecurityGroups: ['sg-0ccccccccccccccccc'] }),
      SecurityGroupIds: ['sg-0d'],
    };
    expect(notebookFromDescription(description, []).securityGroupIds).toEqual(['sg-0ccccccccccccccccc']);
  });

  it('falls back to the given name when the CI has no NotebookInstanceName', () => {
    const configuration = notificationItem({
      configuration: { NotebookInstanceName: undefined },
    }).configuration;
    expect(notebookFromConfigurationItem(configuration, 'from-resource-name', {}).name).toBe(
      'from-resource-name',
    );
  });

  it('an empty SubnetId means no subnet', () => {
    const configuration = notificationItem({ configuration: { SubnetId: '' } }).configuration;
    expect(notebookFromConfigurationItem(configuration, 'x', {}).subnetId).toBeUndefined();
  });

  it.each([
    [null, 'missing or not an object'],
    [[], 'missing or not an object'],
    [{ SubnetId: 7 }, 'configuration.SubnetId must be a string'],
    [{ SecurityGroupIds: 'sg-0123456789abcdef0' }, 'SecurityGroupIds must be a list of strings'],
    [{ DirectInternetAccess: 'Off' }, 'unrecognized DirectInternetAccess'],
  ])('throws on an unreadable configuration %j rather than guessing', (configuration, message) => {
    expect(() => notebookFromConfigurationItem(configuration, 'x', {})).toThrow(MalformedNotebookError);
    expect(() => notebookFromConfigurationItem(configuration, 'x', {})).toThrow(message);
  });

  it('throws when DescribeNotebookInstance has no name', () => {
    expect(() => notebookFromDescription(describeOutput({ NotebookInstanceName: undefined }), [])).toThrow(
      MalformedNotebookError,
    );
  });
});
