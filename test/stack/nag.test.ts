/**
 * cdk-nag AwsSolutions: no unacknowledged finding in any mode (member template included), every
 * acknowledgement gives a reason and still matches a finding (none left behind after a fix), and the app
 * runs the checks on every synth.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../stack/app';
import { MODES, synthesize } from './support';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: unknown;
}

/** The cdk-nag acknowledgements (those of the CloudFormation validator are its own business). */
function acknowledgementsIn(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      )
      .filter((ack) => ack.id.startsWith('AwsSolutions-')),
  );
}

/** Runs AwsSolutions on a scope, recording which acknowledgements actually silenced a finding. */
function nag(scope: IConstruct): { violations: string[]; used: Set<string> } {
  const pack = new AwsSolutionsChecks();
  const used = new Set<string>();
  const acknowledgements = acknowledgementsIn(scope);
  (pack as unknown as { isAcknowledged: (resource: IConstruct, ruleId: string) => boolean }).isAcknowledged =
    (resource, ruleId) => {
      for (let current: IConstruct | undefined = resource; current; current = current.node.scope) {
        const match = acknowledgements.find((ack) => ack.path === current?.node.path && ack.id === ruleId);
        if (match) {
          used.add(`${match.path} ${match.id}`);
          return true;
        }
      }
      return false;
    };
  const report = pack.validateScope(scope);
  const violations = report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );
  return { violations, used };
}

const SCOPES = Object.entries(MODES).flatMap(([mode, props]) => {
  const { stack, guard } = synthesize(props);
  const member = guard.organization?.memberTemplate?.stack;
  return [[mode, stack] as const, ...(member ? [[`${mode} member account`, member] as const] : [])];
});

describe('cdk-nag AwsSolutions', () => {
  it.each(SCOPES)(
    '%s: no unacknowledged finding, every acknowledgement explained and in use',
    (_mode, scope) => {
      const { violations, used } = nag(scope);
      expect(violations).toEqual([]);
      const acknowledgements = acknowledgementsIn(scope);
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const ack of acknowledgements) {
        expect(typeof ack.reason === 'string' && ack.reason.length > 40, `${ack.id}: reason`).toBe(true);
        expect(used.has(`${ack.path} ${ack.id}`), `${ack.id} at ${ack.path} matches no finding`).toBe(true);
      }
    },
  );

  it('reports a finding that is not acknowledged (the check can fail)', () => {
    const { stack } = synthesize(MODES.noContext);
    new s3.Bucket(stack, 'UnloggedBucket');
    expect(nag(stack).violations).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at .*UnloggedBucket/)]),
    );
  });

  it('runs on every synth of the app and stops it on a finding', () => {
    const { app, stack } = createApp(new App());
    new s3.Bucket(stack, 'UnloggedBucket');
    expect(() => app.synth()).toThrow(/[Vv]alidation/);
    const report = readFileSync(join(app.outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AwsSolutions-S1');
    expect(report).toContain('UnloggedBucket');
  });
});
