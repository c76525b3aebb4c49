/**
 * IAM is global: with several regions, the roles — the rule Lambda's, the runbook's automation role and the
 * Security Hub action's two — are created once, by the account stack, under fixed names made from the rule's
 * name, and each region's stack attaches its own region-scoped policy to them (an AWS::IAM::Policy naming the
 * role). Fixed names are what lets a stack
 * in another region refer to a role: CloudFormation exports do not cross regions.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface SharedRoleNames {
  readonly ruleFunction: string;
  /** Under the automation role path (remediation/role-path.ts). */
  readonly automation: string;
  readonly securityHub: SecurityHubRoleNames;
}

/** The Security Hub action's: its state machine's and its EventBridge target's. */
export interface SecurityHubRoleNames {
  readonly startRunbooks: string;
  readonly events: string;
}

const SUFFIXES = {
  ruleFunction: '-rule-function',
  automation: '-runbook',
  startRunbooks: '-hub-start-runbooks',
  events: '-hub-events',
} as const;
/** IAM role names hold at most 64 characters: the rule name leaves room for the longest suffix. */
export const MAX_SHARED_ROLE_RULE_NAME =
  64 - Math.max(...Object.values(SUFFIXES).map((suffix) => suffix.length));

export function sharedRoleNames(ruleName: string): SharedRoleNames {
  return {
    ruleFunction: `${ruleName}${SUFFIXES.ruleFunction}`,
    automation: `${ruleName}${SUFFIXES.automation}`,
    securityHub: {
      startRunbooks: `${ruleName}${SUFFIXES.startRunbooks}`,
      events: `${ruleName}${SUFFIXES.events}`,
    },
  };
}

/** A shared role as a region's stack uses it: by ARN; the policies added to it become this stack's. */
export function importSharedRole(scope: Construct, id: string, name: string, path = '/'): iam.IRole {
  const arn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${path}${name}`;
  return iam.Role.fromRoleArn(scope, id, arn, { mutable: true });
}
