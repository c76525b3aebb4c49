/**
 * The rule Lambda's role grants exactly what the rule calls: every call the rule makes — change, oversized and
 * periodic events, with every optional lookup switched on, with findings imported or not — is in ruleActions(),
 * and every action in it is called; and the roles each deployment mode synthesizes grant exactly that list. A new
 * call in rule/ without a grant (or a grant nothing uses) fails here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createOfflineAws, toNotebookConfiguration } from '../../offline/index';
import { AccountSessions } from '../../rule/clients';
import { createHandler } from '../../rule/config/handler';
import { loadExampleAccount } from '../../rule/examples/index';
import { ruleActions } from '../../stack/detection/rule-access';
import {
  changeEvent,
  lambdaContext,
  notificationItem,
  oversizedEvent,
  scheduledEvent,
} from '../fixtures/events';
import { actionsOf, MODES, onlyResource, roleIdOf, roleStatements, synthesize } from './support';

describe('rule Lambda permissions', () => {
  it.each(['import', 'off'] as const)(
    'equal the AWS calls the rule makes across every message type (findings %s)',
    async (findings) => {
      const inventory = loadExampleAccount();
      const offline = createOfflineAws(inventory);
      const handler = createHandler({
        sessions: new AccountSessions({ ...offline.clientConfig, securityHub: findings === 'import' }),
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
      expect([...called].sort()).toEqual(ruleActions(findings).sort());
    },
  );

  it.each([
    ['noContext', 'off'],
    ['conformancePack', 'import'],
    ['organization', 'import'],
  ] as const)('the %s deployment grants exactly the calls of findings %s', (mode, findings) => {
    const { json } = synthesize(MODES[mode]);
    const [, fn] = onlyResource(json, 'AWS::Lambda::Function');
    const granted = actionsOf(roleStatements(json, roleIdOf(fn.Role))).filter(
      (action) => !action.startsWith('logs:') && action !== 'sts:AssumeRole',
    );
    expect(granted).toEqual(ruleActions(findings).sort());
  });

  it('BatchImportFindings is granted on the account’s own default product only', () => {
    const { json } = synthesize({ securityHubFindings: 'import' });
    const [, fn] = onlyResource(json, 'AWS::Lambda::Function');
    const grant = roleStatements(json, roleIdOf(fn.Role)).find(
      (statement) => statement.Action === 'securityhub:BatchImportFindings',
    );
    expect(grant?.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':securityhub:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':product/',
          { Ref: 'AWS::AccountId' },
          '/default',
        ],
      ],
    });
    expect(fn.Environment).toEqual({ Variables: { SECURITY_HUB_FINDINGS: 'import' } });
  });
});
