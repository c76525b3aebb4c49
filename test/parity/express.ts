/**
 * One notebook of the example account (DescribeNotebookInstance shape + tags) expressed the way each tool
 * would carry it. Only the properties a deployment would set; the create-only network ones exactly as given.
 */
import type { InventoryNotebook } from '../../offline/index';

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
