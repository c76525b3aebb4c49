/**
 * The rule's checks, by the scenario numbers of evaluate.ts: what each one asks, the parameter that turns it
 * on, and whether it needs facts beyond the notebook's own settings (which some enforcement points cannot
 * know). The SARIF writer's rules and the README's comparison table come from here.
 */
import type { ParameterName } from './parameters';

export const CHECK_IDS = ['S2', 'S3', 'S4', 'S5', 'S6', 'S7'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface Check {
  readonly id: CheckId;
  /** PascalCase, as SARIF's reportingDescriptor.name wants. */
  readonly name: string;
  readonly summary: string;
  /** undefined = always on. */
  readonly parameter?: ParameterName;
  /** The network fact it needs besides the notebook's own properties. */
  readonly needs?: 'the subnet’s VPC' | 'the subnet’s route table' | 'the security groups’ rules';
}

export const CHECKS: Readonly<Record<CheckId, Check>> = {
  S2: {
    id: 'S2',
    name: 'NotebookInCustomerVpc',
    summary: 'The notebook has a subnet (it does not run in the SageMaker service VPC).',
  },
  S3: {
    id: 'S3',
    name: 'ApprovedSubnet',
    summary: 'The notebook’s subnet is one of SubnetIds.',
    parameter: 'SubnetIds',
  },
  S4: {
    id: 'S4',
    name: 'ApprovedVpc',
    summary: 'The notebook’s subnet is in one of VpcIds.',
    parameter: 'VpcIds',
    needs: 'the subnet’s VPC',
  },
  S5: {
    id: 'S5',
    name: 'DirectInternetAccessDisabled',
    summary: 'DirectInternetAccess is Disabled (absent means Enabled).',
    parameter: 'RequireDirectInternetAccessDisabled',
  },
  S6: {
    id: 'S6',
    name: 'PrivateSubnet',
    summary:
      'The subnet’s route table (explicit or the VPC’s main one) has no 0.0.0.0/0 or ::/0 route to an internet gateway.',
    parameter: 'RequirePrivateSubnet',
    needs: 'the subnet’s route table',
  },
  S7: {
    id: 'S7',
    name: 'NoOpenIngress',
    summary: 'No attached security group allows inbound traffic from 0.0.0.0/0 or ::/0.',
    parameter: 'ForbidOpenIngress',
    needs: 'the security groups’ rules',
  },
};
