import {
  ListDiscoveredResourcesCommand,
  paginateListDiscoveredResources,
} from '@aws-sdk/client-config-service';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { paginateListNotebookInstances } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { toRuleParameters } from '../../rule/parameters.js';
import { NOTEBOOK_TYPE, offlineClients } from '../offline/clients.js';
import { createSyntheticAccount } from './synthetic-account.js';

describe('synthetic accounts', () => {
  it('spreads N notebooks over VPCs and subnets, every reference resolving, ids well-formed', () => {
    const account = createSyntheticAccount({ notebooks: 1000 });
    expect(account.notebooks).toHaveLength(1000);
    expect(new Set(account.notebooks.map((n) => n.NotebookInstanceName)).size).toBe(1000);
    const subnetIds = new Set(account.subnets.map((s) => s.SubnetId));
    const groupIds = new Set(account.securityGroups.map((g) => g.GroupId));
    for (const notebook of account.notebooks) {
      if (notebook.SubnetId) expect(subnetIds).toContain(notebook.SubnetId);
      for (const group of notebook.SecurityGroups ?? []) expect(groupIds).toContain(group);
    }
    const ids = [
      ...subnetIds,
      ...groupIds,
      ...account.routeTables.map((t) => t.RouteTableId),
      ...account.subnets.map((s) => s.VpcId),
    ];
    for (const id of ids) expect(id).toMatch(/^(subnet|sg|rtb|vpc)-[0-9a-f]{17}$/);
    expect(toRuleParameters(account.ruleParameters ?? {}).vpcIds).toEqual([account.subnets[0]?.VpcId]);
  });

  it('labels each notebook with its verdict, in a realistic mix', () => {
    const account = createSyntheticAccount({ notebooks: 1000, exemptionTagKey: 'vpc-guard:exempt' });
    const counts = new Map<string, number>();
    for (const n of account.notebooks)
      counts.set(n.expectedCompliance ?? '', (counts.get(n.expectedCompliance ?? '') ?? 0) + 1);
    expect(counts.get('COMPLIANT')).toBeGreaterThan(50);
    expect(counts.get('NON_COMPLIANT')).toBeGreaterThan(500);
    expect(counts.get('NOT_APPLICABLE')).toBe(40);
    expect(account.ruleParameters).toMatchObject({ ExemptionTagKey: 'vpc-guard:exempt' });
  });

  it('gives Config an inventory with gaps, deleted notebooks and prior results', () => {
    const account = createSyntheticAccount({ notebooks: 1000, configResourceId: 'name' });
    const discovered = account.discoveredResources ?? [];
    expect(discovered.filter((d) => !d.resourceDeletionTime)).toHaveLength(980);
    expect(discovered.filter((d) => d.resourceDeletionTime)).toHaveLength(10);
    expect(account.priorEvaluations).toHaveLength(990);
    expect(discovered[0]?.resourceId).toBe(discovered[0]?.resourceName);
  });

  it('is deterministic and lean: notebooks share their nested values', () => {
    const first = createSyntheticAccount({ notebooks: 10_000 });
    expect(createSyntheticAccount({ notebooks: 10_000 })).toEqual(first);
    const [a, b] = first.notebooks;
    expect(a?.InstanceMetadataServiceConfiguration).toBe(b?.InstanceMetadataServiceConfiguration);
    expect(a?.Tags).toBe(b?.Tags);
  });

  it('is served by the fake: 1,000 notebooks in 10 pages of 100, Config inventory paged by 100', async () => {
    const { sagemaker, config, ec2, offline } = offlineClients(createSyntheticAccount({ notebooks: 1000 }));
    let notebooks = 0;
    for await (const page of paginateListNotebookInstances({ client: sagemaker, pageSize: 100 }, {})) {
      notebooks += page.NotebookInstances?.length ?? 0;
    }
    expect(notebooks).toBe(1000);
    expect(offline.requests.count('ListNotebookInstances')).toBe(10);
    let discovered = 0;
    for await (const page of paginateListDiscoveredResources(
      { client: config },
      { resourceType: NOTEBOOK_TYPE },
    )) {
      discovered += page.resourceIdentifiers?.length ?? 0;
    }
    expect(discovered).toBe(980);
    const deleted = await config.send(
      new ListDiscoveredResourcesCommand({
        resourceType: NOTEBOOK_TYPE,
        includeDeletedResources: true,
        resourceName: 'gone-00001',
      }),
    );
    expect(deleted.resourceIdentifiers).toHaveLength(1);
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
    expect(Subnets).toHaveLength(12);
  });
});
