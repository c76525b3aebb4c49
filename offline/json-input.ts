/**
 * Reading an awsJson request body the way the services' front end (Coral) does: a JSON type mismatch is
 * a SerializationException; breaking a model constraint (required, length, range, enum) is one
 * ValidationException listing every violation, with the member path in lowerCamel case.
 */
import { ServiceError } from './service-error.js';
import { isJsonObject, type JsonObject } from './wire.js';

export class InputViolations {
  private readonly messages: string[] = [];

  add(path: string, value: unknown, constraint: string): void {
    this.messages.push(
      `Value ${renderValue(value)} at '${path}' failed to satisfy constraint: ${constraint}`,
    );
  }

  required(path: string, value: unknown): boolean {
    if (value !== undefined) return true;
    this.add(path, null, 'Member must not be null');
    return false;
  }

  length(path: string, value: string | readonly unknown[] | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.add(path, value, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) this.add(path, value, `Member must have length less than or equal to ${max}`);
  }

  range(path: string, value: number | undefined, min: number, max = Number.POSITIVE_INFINITY): void {
    if (value === undefined) return;
    if (value < min) this.add(path, value, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.add(path, value, `Member must have value less than or equal to ${max}`);
  }

  oneOf(path: string, value: string | undefined, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value)) {
      this.add(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
  }

  pattern(path: string, value: string | undefined, pattern: RegExp): void {
    if (value !== undefined && !pattern.test(value)) {
      this.add(path, value, `Member must satisfy regular expression pattern: ${pattern.source}`);
    }
  }

  throwIfAny(): void {
    const count = this.messages.length;
    if (count === 0) return;
    const noun = count === 1 ? 'error' : 'errors';
    throw new ServiceError(
      'ValidationException',
      `${count} validation ${noun} detected: ${this.messages.join('; ')}`,
    );
  }
}

/** Coral names members in lowerCamel case in its messages (`ResultToken` → `resultToken`). */
export function memberPath(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 77)}...` : value}'`;
  if (Array.isArray(value)) return `'[${value.length} items]'`;
  return `'${String(value)}'`;
}

function typeMismatch(member: string, expected: string): ServiceError {
  return new ServiceError('SerializationException', `Expected ${expected} for member ${member}`);
}

export function readString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeMismatch(member, 'a string');
  return value;
}

export function readInteger(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeMismatch(member, 'an integer');
  return value;
}

export function readBoolean(input: JsonObject, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeMismatch(member, 'a boolean');
  return value;
}

/** awsJson timestamps travel as epoch seconds (a number, possibly fractional). */
export function readTimestamp(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw typeMismatch(member, 'epoch seconds');
  return value;
}

export function readStringList(input: JsonObject, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw typeMismatch(member, 'a list of strings');
  }
  return value;
}

export function readObjectList(input: JsonObject, member: string): JsonObject[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isJsonObject)) throw typeMismatch(member, 'a list of structures');
  return value;
}
