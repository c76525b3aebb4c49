/**
 * Reading EC2 query parameters (`SubnetId.1`, `Filter.1.Name`, `Filter.1.Value.1`, `MaxResults`) and
 * applying EC2's filter semantics: filters AND together, a filter's values OR together, `*` and `?`
 * wildcards, `tag:<key>` and `tag-key` on every resource; an unknown filter name is an error.
 */
import type { Tag } from '@aws-sdk/client-ec2';
import type { Ec2Params } from './operation.js';
import { ServiceError } from './service-error.js';

export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** The values of `prefix.1`, `prefix.2`, … in index order. */
export function indexedValues(params: Ec2Params, prefix: string): string[] {
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
  const indexed: Array<readonly [number, string]> = [];
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (match?.[1] !== undefined) indexed.push([Number(match[1]), value]);
  }
  return indexed.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

export function readFilters(params: Ec2Params): Ec2Filter[] {
  const filters: Ec2Filter[] = [];
  for (let index = 1; params.has(`Filter.${index}.Name`); index++) {
    filters.push({
      name: params.get(`Filter.${index}.Name`) ?? '',
      values: indexedValues(params, `Filter.${index}.Value`),
    });
  }
  return filters;
}

export function readMaxResults(params: Ec2Params, min: number, max: number): number | undefined {
  const raw = params.get('MaxResults');
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ServiceError(
      'InvalidParameterValue',
      `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
    );
  }
  return value;
}

export function invalidPaginationToken(): ServiceError {
  return new ServiceError(
    'InvalidPaginationToken',
    'The specified pagination token is not valid or is expired.',
  );
}

/** For each supported filter name, the values of a resource it compares against. */
export type FilterFields<T> = Readonly<Record<string, (item: T) => ReadonlyArray<string | undefined>>>;

export function applyFilters<T extends { readonly Tags?: readonly Tag[] }>(
  items: readonly T[],
  filters: readonly Ec2Filter[],
  fields: FilterFields<T>,
): T[] {
  const tests = filters.map((filter) => {
    const fieldOf = fieldFor(filter.name, fields);
    const patterns = filter.values.map(wildcardPattern);
    return (item: T) =>
      fieldOf(item).some((value) => value !== undefined && patterns.some((p) => p.test(value)));
  });
  return items.filter((item) => tests.every((test) => test(item)));
}

function fieldFor<T extends { readonly Tags?: readonly Tag[] }>(
  name: string,
  fields: FilterFields<T>,
): (item: T) => ReadonlyArray<string | undefined> {
  const field = fields[name];
  if (field) return field;
  if (name === 'tag-key') return (item) => (item.Tags ?? []).map((tag) => tag.Key);
  if (name.startsWith('tag:')) {
    const key = name.slice('tag:'.length);
    return (item) => (item.Tags ?? []).filter((tag) => tag.Key === key).map((tag) => tag.Value);
  }
  throw new ServiceError('InvalidParameterValue', `The filter '${name}' is invalid`);
}

function wildcardPattern(value: string): RegExp {
  const escaped = value
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/**
 * Resources by explicit id, the way EC2 answers: a malformed id or any id that does not exist fails the
 * whole call (filters, by contrast, just match nothing).
 */
export function selectByIds<T>(
  items: readonly T[],
  ids: readonly string[],
  idOf: (item: T) => string | undefined,
  errors: {
    readonly wellFormed: RegExp;
    readonly malformed: string;
    readonly notFound: (ids: string) => ServiceError;
  },
): T[] {
  if (ids.length === 0) return [...items];
  const malformed = ids.find((id) => !errors.wellFormed.test(id));
  if (malformed !== undefined) throw new ServiceError(errors.malformed, `Invalid id: "${malformed}"`);
  const missing = ids.filter((id) => !items.some((item) => idOf(item) === id));
  if (missing.length > 0) throw errors.notFound(missing.join(', '));
  return items.filter((item) => ids.includes(idOf(item) ?? ''));
}
