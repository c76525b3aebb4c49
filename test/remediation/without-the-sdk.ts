/**
 * A Python prelude that stands in for the AWS SDK, so a test can run a shipped script's pure functions (render,
 * rule_violations) with python3 alone: the scripts import boto3 and botocore at the top.
 */
export const WITHOUT_THE_SDK = [
  'import json, sys, types',
  "for name in ('boto3', 'botocore', 'botocore.config', 'botocore.exceptions'): sys.modules[name] = types.ModuleType(name)",
  "sys.modules['botocore.config'].Config = lambda **_: None",
  "sys.modules['botocore.exceptions'].ClientError = Exception",
].join('\n');
