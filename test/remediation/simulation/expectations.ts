/** What the flow scenarios assert about a notebook after a run. */
import { expect } from 'vitest';
import type { FakeAws } from './fake-aws';
import type { Notebook } from './fake-sagemaker';
import {
  NAME,
  ORIGINAL_FILES,
  ORIGINAL_SETTINGS,
  OWN_CONFIG,
  TARGET_GROUPS,
  TARGET_SUBNET,
  USER_TAGS,
} from './world';

const CARRIED_OVER = [
  'InstanceType',
  'RoleArn',
  'KmsKeyId',
  'VolumeSizeInGB',
  'AcceleratorTypes',
  'DefaultCodeRepository',
  'AdditionalCodeRepositories',
  'RootAccess',
  'PlatformIdentifier',
  'InstanceMetadataServiceConfiguration',
] as const;

export function notebook(aws: FakeAws, name = NAME): Notebook {
  const found = aws.sagemaker.notebooks.get(name);
  if (!found) throw new Error(`${name} does not exist`);
  return found;
}

export function expectMovedWithEverything(aws: FakeAws, status: string): void {
  const moved = notebook(aws);
  expect(moved.settings.SubnetId).toBe(TARGET_SUBNET);
  expect(moved.settings.SecurityGroups).toEqual(TARGET_GROUPS);
  expect(moved.settings.DirectInternetAccess).toBe('Disabled');
  for (const setting of CARRIED_OVER)
    expect(moved.settings[setting], setting).toEqual(ORIGINAL_SETTINGS[setting]);
  expect(moved.lifecycleConfigName).toBe(OWN_CONFIG);
  expect(moved.tags).toEqual(USER_TAGS);
  expect(moved.status).toBe(status);
  expect([...aws.sagemaker.lifecycleConfigs.keys()]).toEqual([OWN_CONFIG]);
}

export function expectDataRestored(aws: FakeAws): void {
  const volume = notebook(aws).volume;
  for (const [path, content] of ORIGINAL_FILES) expect(volume.get(path), path).toBe(content);
}

export function expectUntouched(aws: FakeAws, before: Notebook): void {
  expect(aws.mutatingCalls()).toEqual([]);
  expect(notebook(aws)).toBe(before);
  expect(before.settings.SubnetId).toBeUndefined();
}
