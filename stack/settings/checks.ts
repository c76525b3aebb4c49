/**
 * Small checks for deploy-time settings. Each failure names the setting (the same name in props and in CDK
 * context), so a typo in `cdk.json` or `-c` is reported where it was made, at synth, never at deploy.
 */
import { describeValue } from '../../rule/text';

export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`Invalid setting "${setting}": ${detail}`);
  }
}

export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

export function checkPattern(setting: string, value: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(value)) {
    throw new InvalidSettingError(setting, `${describeValue(value)} is not ${expected}`);
  }
  return value;
}

export function checkInteger(setting: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidSettingError(
      setting,
      `must be a whole number from ${min} to ${max}, got ${describeValue(value)}`,
    );
  }
  return value;
}

export function checkOneOf<T extends string | number>(setting: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new InvalidSettingError(
      setting,
      `must be one of ${allowed.join(', ')}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Each entry must match; duplicates are dropped (order kept). */
export function checkList(
  setting: string,
  values: readonly string[],
  pattern: RegExp,
  expected: string,
): readonly string[] {
  for (const value of values) checkPattern(setting, value, pattern, expected);
  return [...new Set(values)];
}
