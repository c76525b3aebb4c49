/**
 * One notebook of the example account (DescribeNotebookInstance shape + tags) expressed the way each tool
 * would carry it. Only the properties a deployment would set; the create-only network ones exactly as given.
 */
import type { CfnNotebookInstanceProps } from 'aws-cdk-lib/aws-sagemaker';
import type { InventoryNotebook } from '../../offline/index';
import type { PlannedResource } from '../fixtures/terraform/plan';

/** The notebook's AWS::SageMaker::NotebookInstance properties (CloudFormation names). */
export function cloudFormationProperties(notebook: InventoryNotebook): Record<string, unknown> {
  return {
    NotebookInstanceName: notebook.NotebookInstanceName,
    InstanceType: notebook.InstanceType,
    RoleArn: notebook.RoleArn,
    ...(notebook.SubnetId && { SubnetId: notebook.SubnetId }),
    ...(notebook.SecurityGroups?.length && { SecurityGroupIds: [...notebook.SecurityGroups] }),
    ...(notebook.DirectInternetAccess && { DirectInternetAccess: notebook.DirectInternetAccess }),
    ...(notebook.KmsKeyId && { KmsKeyId: notebook.KmsKeyId }),
    ...(notebook.NotebookInstanceLifecycleConfigName && {
      LifecycleConfigName: notebook.NotebookInstanceLifecycleConfigName,
    }),
    ...(notebook.VolumeSizeInGB && { VolumeSizeInGB: notebook.VolumeSizeInGB }),
    ...(notebook.RootAccess && { RootAccess: notebook.RootAccess }),
    ...(notebook.PlatformIdentifier && { PlatformIdentifier: notebook.PlatformIdentifier }),
    ...(notebook.Tags?.length && { Tags: notebook.Tags.map(({ Key, Value }) => ({ Key, Value })) }),
  };
}

/** A CloudFormation logical id from the notebook's name (letters and digits only). */
export function logicalIdOf(notebook: InventoryNotebook): string {
  return notebook.NotebookInstanceName.split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The notebook as a CDK user writes it (CfnNotebookInstance props). */
export function cdkProperties(notebook: InventoryNotebook): CfnNotebookInstanceProps {
  return {
    notebookInstanceName: notebook.NotebookInstanceName,
    instanceType: notebook.InstanceType ?? 'ml.t3.medium',
    roleArn: notebook.RoleArn ?? '',
    ...(notebook.SubnetId && { subnetId: notebook.SubnetId }),
    ...(notebook.SecurityGroups?.length && { securityGroupIds: [...notebook.SecurityGroups] }),
    ...(notebook.DirectInternetAccess && { directInternetAccess: notebook.DirectInternetAccess }),
    ...(notebook.KmsKeyId && { kmsKeyId: notebook.KmsKeyId }),
    ...(notebook.NotebookInstanceLifecycleConfigName && {
      lifecycleConfigName: notebook.NotebookInstanceLifecycleConfigName,
    }),
    ...(notebook.VolumeSizeInGB && { volumeSizeInGb: notebook.VolumeSizeInGB }),
    ...(notebook.RootAccess && { rootAccess: notebook.RootAccess }),
    ...(notebook.PlatformIdentifier && { platformIdentifier: notebook.PlatformIdentifier }),
    ...(notebook.Tags?.length && {
      tags: notebook.Tags.map(({ Key, Value }) => ({ key: Key ?? '', value: Value ?? '' })),
    }),
  };
}

/** The notebook as a planned aws_sagemaker_notebook_instance (the AWS provider's attribute names). */
export function terraformResource(notebook: InventoryNotebook): PlannedResource {
  const tags = Object.fromEntries((notebook.Tags ?? []).map(({ Key, Value }) => [Key, Value]));
  return {
    address: `aws_sagemaker_notebook_instance.${notebook.NotebookInstanceName.toLowerCase().replaceAll('-', '_')}`,
    after: {
      name: notebook.NotebookInstanceName,
      instance_type: notebook.InstanceType,
      role_arn: notebook.RoleArn,
      subnet_id: notebook.SubnetId ?? null,
      // The provider defaults direct_internet_access to Enabled, as the API does.
      direct_internet_access: notebook.DirectInternetAccess ?? 'Enabled',
      kms_key_id: notebook.KmsKeyId ?? null,
      lifecycle_config_name: notebook.NotebookInstanceLifecycleConfigName ?? null,
      volume_size: notebook.VolumeSizeInGB ?? 5,
      root_access: notebook.RootAccess ?? 'Enabled',
      platform_identifier: notebook.PlatformIdentifier ?? null,
      tags,
      tags_all: tags,
      ...(notebook.SecurityGroups?.length && { security_groups: [...notebook.SecurityGroups] }),
    },
    // Omitted, security_groups is computed by the provider: known only after apply.
    unknown: {
      network_interface_id: true,
      url: true,
      ...(!notebook.SecurityGroups?.length && { security_groups: true }),
    },
  };
}
