/**
 * The bundled example account is data other code trusts (the CLI's demo, the lead's end-to-end tests):
 * every reference resolves, ids are well-formed, and each notebook's stated verdict follows from the data.
 */
import type { RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { InventoryNotebook } from '../../offline/index.js';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { type RuleParameters, toRuleParameters } from '../../rule/parameters.js';

const account = loadExampleAccount();
const parameters = toRuleParameters(account.ruleParameters ?? {});
const subnetOf = (id: string) => account.subnets.find((s) => s.SubnetId === id);
const groupOf = (id: string) => account.securityGroups.find((g) => g.GroupId === id);

/** A subnet's route table: its explicit association, else its VPC's main table. */
function routeTableOf(subnet: Subnet): { table?: RouteTable; implicit: boolean } {
  const explicit = account.routeTables.find((t) =>
    t.Associations?.some((a) => a.SubnetId === subnet.SubnetId),
  );
  if (explicit) return { table: explicit, implicit: false };
  const main = account.routeTables.find(
    (t) => t.VpcId === subnet.VpcId && t.Associations?.some((a) => a.Main),
  );
  return { table: main, implicit: true };
}

const isOpen = (group: SecurityGroup) =>
  (group.IpPermissions ?? []).some(
    (p) =>
      p.IpRanges?.some((r) => r.CidrIp === '0.0.0.0/0') || p.Ipv6Ranges?.some((r) => r.CidrIpv6 === '::/0'),
  );

/** An independent reading of the rule's checks (issue 2's table), to keep the example's labels honest. */
function failedChecks(notebook: InventoryNotebook, rule: RuleParameters): string[] {
  const failed = notebook.DirectInternetAccess === 'Disabled' ? [] : ['direct-internet-access'];
  if (!notebook.SubnetId) return ['no-subnet', ...failed];
  const subnet = subnetOf(notebook.SubnetId);
  if (!subnet) throw new Error(`${notebook.NotebookInstanceName}: unknown subnet`);
  if (rule.vpcIds && !rule.vpcIds.includes(subnet.VpcId ?? '')) failed.push('vpc-not-approved');
  if (rule.subnetIds && !rule.subnetIds.includes(subnet.SubnetId ?? '')) failed.push('subnet-not-approved');
  const { table, implicit } = routeTableOf(subnet);
  const igwRoutes = (table?.Routes ?? []).filter((r) => r.GatewayId?.startsWith('igw-'));
  if (igwRoutes.some((r) => r.DestinationCidrBlock === '0.0.0.0/0'))
    failed.push(implicit ? 'public-via-main-table' : 'public');
  else if (igwRoutes.some((r) => r.DestinationIpv6CidrBlock === '::/0')) failed.push('public-via-ipv6');
  if (rule.forbidOpenIngress && (notebook.SecurityGroups ?? []).some((id) => isOpen(groupOf(id) ?? {}))) {
    failed.push('open-ingress');
  }
  return failed;
}

const isExempt = (notebook: InventoryNotebook) =>
  parameters.exemptionTagKey !== undefined &&
  (notebook.Tags ?? []).some((t) => t.Key === parameters.exemptionTagKey);

function verdict(notebook: InventoryNotebook): string {
  if (isExempt(notebook)) return 'NOT_APPLICABLE';
  return failedChecks(notebook, parameters).length === 0 ? 'COMPLIANT' : 'NON_COMPLIANT';
}

/** Every value of a member named like an EC2 id (`…Id`, `…Ids`, `SecurityGroups`) that is not an ARN or account. */
function idValues(value: unknown, key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => idValues(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([member, child]) => idValues(child, member));
  }
  const isIdMember =
    /(Id|Ids|SecurityGroups)$/.test(key) &&
    !/^(OwnerId|UserId|accountId|KmsKeyId|resourceId|PrefixListId|DestinationPrefixListId|AvailabilityZoneId)$/.test(
      key,
    );
  return isIdMember && typeof value === 'string' && value !== 'local' ? [value] : [];
}

describe('example account integrity', () => {
  it('is the documented account, with at least 10 notebooks and the rule it is meant for', () => {
    expect(account).toMatchObject({
      accountId: '111122223333',
      region: 'ap-northeast-1',
      configRuleName: 'sagemaker-notebook-vpc-guard',
    });
    expect(account.notebooks.length).toBeGreaterThanOrEqual(10);
    expect(parameters.vpcIds).toHaveLength(1);
    expect(account.subnets.some((s) => s.VpcId === parameters.vpcIds?.[0])).toBe(true);
  });

  it('uses well-formed resource ids (prefix + 17 lowercase hex) everywhere', () => {
    const ids = idValues(account);
    expect(ids.length).toBeGreaterThan(50);
    for (const id of ids)
      expect(id).toMatch(
        /^(subnet|vpc|sg|rtb|rtbassoc|igw|nat|eni|eigw|vpce|subnet-cidr-assoc)-[0-9a-f]{17}$/,
      );
  });

  it('has unique names and ARNs that carry the lowercased name', () => {
    const names = account.notebooks.map((n) => n.NotebookInstanceName);
    expect(new Set(names).size).toBe(names.length);
    for (const notebook of account.notebooks) {
      expect(notebook.NotebookInstanceArn).toBe(
        `arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/${notebook.NotebookInstanceName.toLowerCase()}`,
      );
    }
  });

  it('resolves every subnet and security group a notebook names, in the same VPC', () => {
    for (const notebook of account.notebooks) {
      const name = notebook.NotebookInstanceName;
      if (!notebook.SubnetId) {
        expect(notebook.SecurityGroups ?? [], name).toEqual([]);
        expect(notebook.DirectInternetAccess, `${name}: Disabled needs a subnet`).toBe('Enabled');
        continue;
      }
      const subnet = subnetOf(notebook.SubnetId);
      expect(subnet, name).toBeDefined();
      expect(notebook.SecurityGroups?.length, name).toBeGreaterThan(0);
      for (const id of notebook.SecurityGroups ?? [])
        expect(groupOf(id)?.VpcId, `${name} ${id}`).toBe(subnet?.VpcId);
    }
  });

  it('has one main route table per VPC, at most one explicit association per subnet, all resolving', () => {
    const vpcs = new Set(account.subnets.map((s) => s.VpcId));
    for (const vpc of vpcs) {
      const mains = account.routeTables.filter((t) => t.VpcId === vpc && t.Associations?.some((a) => a.Main));
      expect(mains, String(vpc)).toHaveLength(1);
    }
    for (const table of account.routeTables) {
      for (const association of table.Associations ?? []) {
        expect(association.RouteTableId).toBe(table.RouteTableId);
        if (association.SubnetId) expect(subnetOf(association.SubnetId)?.VpcId).toBe(table.VpcId);
      }
    }
    for (const subnet of account.subnets) {
      const explicit = account.routeTables.filter((t) =>
        t.Associations?.some((a) => a.SubnetId === subnet.SubnetId),
      );
      expect(explicit.length, String(subnet.SubnetId)).toBeLessThanOrEqual(1);
    }
    for (const group of account.securityGroups) {
      for (const pair of (group.IpPermissions ?? []).flatMap((p) => p.UserIdGroupPairs ?? [])) {
        expect(groupOf(pair.GroupId ?? '')).toBeDefined();
      }
    }
  });

  it("keeps Config's inventory and prior results consistent with the notebooks", () => {
    const discovered = account.discoveredResources ?? [];
    for (const entry of discovered) {
      const notebook = account.notebooks.find((n) => n.NotebookInstanceName === entry.resourceName);
      if (entry.resourceDeletionTime) expect(notebook, entry.resourceId).toBeUndefined();
      else expect(notebook?.NotebookInstanceArn, entry.resourceId).toBe(entry.resourceId);
    }
    for (const prior of account.priorEvaluations ?? []) {
      expect(
        discovered.some((d) => d.resourceId === prior.resourceId),
        prior.resourceId,
      ).toBe(true);
    }
  });

  it('mixes notebook statuses', () => {
    const statuses = new Set(account.notebooks.map((n) => n.NotebookInstanceStatus));
    for (const status of ['InService', 'Stopped', 'Pending', 'Failed']) expect(statuses).toContain(status);
  });
});

describe('example account scenarios', () => {
  it.each(account.notebooks.map((n) => [n.NotebookInstanceName, n] as const))(
    '%s: its stated verdict follows from the data',
    (_name, notebook) => {
      expect(notebook.scenario).toBeTruthy();
      expect(verdict(notebook)).toBe(notebook.expectedCompliance);
    },
  );

  it('covers every scenario of the rule', () => {
    const failures = account.notebooks.map((n) => (isExempt(n) ? ['exempt'] : failedChecks(n, parameters)));
    const seen = new Set(failures.flat());
    for (const check of [
      'no-subnet',
      'direct-internet-access',
      'public',
      'public-via-main-table',
      'public-via-ipv6',
      'vpc-not-approved',
      'open-ingress',
      'exempt',
    ]) {
      expect(seen, check).toContain(check);
    }
    expect(
      failures.some((f) => f.length === 0),
      'a compliant notebook',
    ).toBe(true);
    expect(
      failures.some((f) => f.length >= 3),
      'a notebook failing several checks',
    ).toBe(true);
    const openGroups = account.securityGroups.filter(isOpen).flatMap((g) => g.IpPermissions ?? []);
    expect(openGroups.some((p) => p.IpRanges?.some((r) => r.CidrIp === '0.0.0.0/0'))).toBe(true);
    expect(openGroups.some((p) => p.Ipv6Ranges?.some((r) => r.CidrIpv6 === '::/0'))).toBe(true);

    const discoveredNames = new Set((account.discoveredResources ?? []).map((d) => d.resourceName));
    expect(
      account.notebooks.some((n) => !discoveredNames.has(n.NotebookInstanceName)),
      'an undiscovered notebook',
    ).toBe(true);
    expect(
      account.notebooks.some((n) => /[A-Z]/.test(n.NotebookInstanceName)),
      'a name with capitals',
    ).toBe(true);
    const names = new Set(account.notebooks.map((n) => n.NotebookInstanceArn));
    expect(
      (account.priorEvaluations ?? []).some((p) => !names.has(p.resourceId)),
      'a vanished notebook',
    ).toBe(true);
  });
});
