/** The Lambda resource-policy statement that lets AWS Config invoke the rule function. */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * `sourceAccount` limits it to Config acting for that account (confused-deputy protection); undefined
 * lets Config in any account invoke it (organization mode without a member list, see organization.ts).
 */
export function allowConfigToInvoke(
  scope: Construct,
  id: string,
  ruleFunction: lambda.IFunction,
  sourceAccount: string | undefined,
): lambda.CfnPermission {
  return new lambda.CfnPermission(scope, id, {
    action: 'lambda:InvokeFunction',
    functionName: ruleFunction.functionArn,
    principal: 'config.amazonaws.com',
    ...(sourceAccount !== undefined && { sourceAccount }),
  });
}
