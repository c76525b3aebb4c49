/**
 * The rule Lambda's role grants exactly what the rule calls: every call the rule makes — change, oversized and
 * periodic events, with every optional lookup switched on — is in RULE_ACTIONS, and every action in RULE_ACTIONS
 * is called. A new call in rule/ without a grant (or a grant nothing uses) fails here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createOfflineAws, toNotebookConfiguration } from '../../offline/index';
import { AccountSessions } from '../../rule/clients';
import { createHandler } from '../../rule/config/handler';
import { loadExampleAccount } from '../../rule/examples/index';
import { RULE_ACTIONS } from '../../stack/detection/rule-access';
import {
  changeEvent,
  lambdaContext,
  notificationItem,
  oversizedEvent,
  scheduledEvent,
} from '../fixtures/events';

describe('rule Lambda permissions', () => {
  it('equal the AWS calls the rule makes across every message type', async () => {
    const inventory = loadExampleAccount();
    const offline = createOfflineAws(inventory);
    const handler = createHandler({
      sessions: new AccountSessions(offline.clientConfig),
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    // Every check on, so every lookup the rule can make is made.
    const ruleParameters = {
      ...inventory.ruleParameters,
      ForbidOpenIngress: 'true',
      VpcIds: 'vpc-0a1b2c3d4e5f60718',
    };
    const notebook = inventory.notebooks.find((n) => n.NotebookInstanceName === 'churn-analysis');
    if (!notebook) throw new Error('the example account has no churn-analysis notebook');
    const arn = notebook.NotebookInstanceArn;
    const item = notificationItem({
      top: {
        resourceId: arn,
        resourceName: notebook.NotebookInstanceName,
        ARN: arn,
        configuration: toNotebookConfiguration(notebook, arn),
      },
    });
    for (const event of [
      scheduledEvent({ ruleParameters }),
      changeEvent(item, { ruleParameters }),
      oversizedEvent(item, { ruleParameters }),
    ]) {
      await handler(event, lambdaContext());
    }
    const called = new Set(offline.requests.entries.map((entry) => `${entry.service}:${entry.operation}`));
    expect([...called].sort()).toEqual([...RULE_ACTIONS].sort());
  });
});
