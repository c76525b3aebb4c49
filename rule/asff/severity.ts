/**
 * How bad a failed notebook is, for Security Hub. The two checks AWS's own controls rate High — S2 no subnet,
 * so the notebook runs in SageMaker's service VPC with internet access (SageMaker.2), and S5 direct internet
 * access (SageMaker.1) — are HIGH; the others leave the notebook in a customer VPC and are MEDIUM: S3 a subnet
 * or S4 a VPC outside the approved lists, S6 a public subnet, S7 open ingress. A finding takes the highest of
 * its failed checks; a passed or not-applicable one is INFORMATIONAL.
 */
import type { SeverityLabel } from '@aws-sdk/client-securityhub';
import type { CheckId } from '../checks';
import type { Verdict } from '../evaluate';

export const CHECK_SEVERITY: Readonly<Record<CheckId, SeverityLabel>> = {
  S2: 'HIGH',
  S3: 'MEDIUM',
  S4: 'MEDIUM',
  S5: 'HIGH',
  S6: 'MEDIUM',
  S7: 'MEDIUM',
};

/** Labels from least to most severe (ASFF's order). */
const ORDER: readonly SeverityLabel[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export function severityOf(verdict: Verdict): SeverityLabel {
  if (verdict.compliance !== 'NON_COMPLIANT') return 'INFORMATIONAL';
  const labels = (verdict.failedChecks ?? []).map((check) => CHECK_SEVERITY[check]);
  // A failure always names its checks; should one ever not, it is at least MEDIUM (Config's own default).
  return labels.reduce<SeverityLabel>(
    (highest, label) => (ORDER.indexOf(label) > ORDER.indexOf(highest) ? label : highest),
    'MEDIUM',
  );
}
