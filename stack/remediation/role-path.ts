/**
 * The IAM path of the runbook's automation role. The guardrails let principals under it carry a notebook's
 * exemption tag over when the runbook recreates the notebook; creating a role under this path takes
 * iam:CreateRole, which only administrators should hold.
 */
export const AUTOMATION_ROLE_PATH = '/sagemaker-notebook-vpc-guard/';
