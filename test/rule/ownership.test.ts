/** Ownership markers (rule/ownership.ts) and the annotation that carries the owner (rule/annotation.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotationOf, MAX_ANNOTATION_LENGTH } from '../../rule/annotation';
import {
  DEFAULT_IAC_OWNERSHIP_TAG_KEYS,
  iacOwnerOf,
  ownershipNote,
  parseIacOwnershipMarkers,
} from '../../rule/ownership';
import { TRUNCATION_MARKER } from '../../rule/text';

describe('iacOwnerOf', () => {
  it('the default markers: the CloudFormation keys and the common Terraform tags', () => {
    expect(DEFAULT_IAC_OWNERSHIP_TAG_KEYS).toEqual([
      'aws:cloudformation:stack-name',
      'aws:cloudformation:stack-id',
      'aws:cloudformation:logical-id',
      'ManagedBy=terraform',
      'managed-by=terraform',
      'managed_by=terraform',
      'Terraform=true',
    ]);
  });

  it.each([
    [{ 'aws:cloudformation:stack-name': 'prod' }, { tool: 'CloudFormation', stackName: 'prod' }],
    [
      { 'AWS:CloudFormation:Logical-Id': 'Lab' },
      { tool: 'CloudFormation', tagKey: 'AWS:CloudFormation:Logical-Id' },
    ],
    [{ ManagedBy: 'Terraform' }, { tool: 'Terraform', tagKey: 'ManagedBy', tagValue: 'Terraform' }],
    [{ 'managed-by': 'terraform' }, { tool: 'Terraform' }],
    [{ managed_by: 'TERRAFORM' }, { tool: 'Terraform' }],
    [{ terraform: 'True' }, { tool: 'Terraform', tagKey: 'terraform' }],
  ])('recognises %j', (tags, owner) => {
    expect(iacOwnerOf(tags, DEFAULT_IAC_OWNERSHIP_TAG_KEYS)).toMatchObject(owner);
  });

  it.each([
    [{}],
    [{ ManagedBy: 'console' }],
    [{ Terraform: 'false' }],
    [{ 'cloudformation:stack-name': 'x' }],
    [{ Owner: 'terraform' }],
  ])('does not read %j as owned', (tags) => {
    expect(iacOwnerOf(tags, DEFAULT_IAC_OWNERSHIP_TAG_KEYS)).toBeUndefined();
  });

  it('the first marker that matches wins; a marker without a value matches any value, even an empty one', () => {
    const tags = { ManagedBy: 'terraform', 'iac-repo': '' };
    expect(iacOwnerOf(tags, ['iac-repo', 'ManagedBy=terraform'])).toEqual({
      tagKey: 'iac-repo',
      tagValue: '',
    });
    expect(iacOwnerOf(tags, ['ManagedBy=terraform', 'iac-repo'])?.tool).toBe('Terraform');
  });

  it('a value may hold "=" (only the first one separates key and value)', () => {
    expect(iacOwnerOf({ Origin: 'tool=terraform' }, ['Origin=tool=terraform'])?.tool).toBe('Terraform');
  });
});

describe('ownershipNote', () => {
  it('says where to fix the notebook, fully or in short', () => {
    const stack = {
      tool: 'CloudFormation',
      tagKey: 'aws:cloudformation:stack-name',
      tagValue: 'a',
      stackName: 'a',
    } as const;
    expect(ownershipNote(stack)).toBe('managed by CloudFormation stack a: fix the template');
    expect(ownershipNote(stack, 'short')).toBe('managed by CloudFormation: fix the template');
    expect(ownershipNote(stack, 'tiny')).toBe('managed by CloudFormation');
    const tf = { tool: 'Terraform', tagKey: 'ManagedBy', tagValue: 'terraform' } as const;
    expect(ownershipNote(tf)).toBe('managed by Terraform (tag ManagedBy=terraform): fix the code');
    expect(ownershipNote({ tagKey: 'k', tagValue: 'v' })).toBe('managed as code (tag k=v): fix the code');
  });
});

describe('parseIacOwnershipMarkers', () => {
  it('trims, drops empty entries and duplicates', () => {
    expect(parseIacOwnershipMarkers([' ManagedBy=terraform ', '', 'iac', 'iac'])).toEqual([
      'ManagedBy=terraform',
      'iac',
    ]);
  });

  it.each([['=terraform'], ['Key='], ['a,b'], ['k'.repeat(129)], ['key=v'.padEnd(262, 'v')], ['tag;rm']])(
    'refuses %j',
    (marker) => {
      expect(() => parseIacOwnershipMarkers([marker])).toThrow(/malformed marker/);
    },
  );

  it('refuses more than 50 markers', () => {
    expect(() => parseIacOwnershipMarkers(Array.from({ length: 51 }, (_, i) => `k${i}`))).toThrow(
      /at most 50/,
    );
  });
});

describe('annotationOf', () => {
  const owner = { tool: 'CloudFormation', tagKey: 'k', tagValue: 'v', stackName: 'analytics-prod' } as const;
  const note = '; managed by CloudFormation stack analytics-prod: fix the template';

  it('without an owner: the checks joined, whole (delivery cuts them)', () => {
    const long = [
      'Direct internet access enabled',
      `Open ingress: ${'sg-0123456789abcdef0 from 0.0.0.0/0, '.repeat(9)}`,
    ];
    expect(annotationOf(long)).toBe(long.join('; '));
  });

  it("with an owner: the last check's detail is cut for the note", () => {
    const messages = [
      'Direct internet access enabled',
      `Open ingress: ${'sg-0123456789abcdef0 from 0.0.0.0/0, '.repeat(9)}`,
    ];
    const annotation = annotationOf(messages, owner);
    expect(annotation).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(annotation.startsWith('Direct internet access enabled; Open ingress: sg-')).toBe(true);
    expect(annotation.endsWith(`${TRUNCATION_MARKER}${note}`)).toBe(true);
  });

  it('the short note when the full one leaves no room for every check', () => {
    const messages = ['x'.repeat(150), 'Open ingress: sg-0123456789abcdef0 from 0.0.0.0/0'];
    const annotation = annotationOf(messages, { ...owner, stackName: 's'.repeat(128) });
    expect(annotation).toBe(`${messages.join('; ')}; managed by CloudFormation: fix the template`);
  });

  it('property: at most 256 characters, every check named (its label at least), the note begun', () => {
    const check = fc.oneof(
      fc.string({ minLength: 5, maxLength: 50 }).map((text) => text.replaceAll(':', '')),
      fc.string({ minLength: 0, maxLength: 300 }).map((detail) => `Open ingress: ${detail}`),
    );
    const anyOwner = fc.record({
      tool: fc.constantFrom('CloudFormation', 'Terraform', undefined),
      tagKey: fc.string({ minLength: 1, maxLength: 128 }),
      tagValue: fc.string({ maxLength: 256 }),
      stackName: fc.option(fc.string({ minLength: 1, maxLength: 128 }), { nil: undefined }),
    });
    // Checks whose fixed words alone could fill the annotation are not the rule's (at most ~215 characters).
    const checks = fc
      .array(check, { minLength: 1, maxLength: 4 })
      .filter((messages) => messages.slice(0, -1).join('; ').length < 150);
    fc.assert(
      fc.property(checks, anyOwner, (messages, generated) => {
        const annotation = annotationOf(messages, generated as Parameters<typeof annotationOf>[1]);
        expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
        for (const message of messages.slice(0, -1)) expect(annotation).toContain(message);
        const last = messages.at(-1) ?? '';
        expect(annotation).toContain(last.includes(': ') ? last.slice(0, last.indexOf(': ') + 2) : last);
        expect(annotation).toMatch(/; managed (by|as) /);
      }),
    );
  });
});
