/**
 * Fake SageMaker notebook instances: statuses that change over virtual time, the status each operation
 * requires, lifecycle configurations, and the runbook's on-start hooks, interpreted from the variables
 * they set (DATA_URI, MARKER_URI, BACKUP_ID) and the direction of their `aws s3 sync`. The hooks' shell is
 * tested for real in hooks.test.ts; here they copy between the notebook's volume and the fake S3.
 */
import type { FakeClock, FakeS3, Subnet } from './fake-aws';
import type { JsonObject, JsonValue } from './python-bridge';
import { ACCOUNT, AwsError, REGION } from './world-basics';

export type HookOutcome = 'complete' | 'fail' | 'never';

export interface Notebook {
  /** DescribeNotebookInstance fields other than the status and lifecycle configuration. */
  readonly settings: JsonObject;
  status: string;
  lifecycleConfigName?: string;
  /** The ML storage volume: path → content. */
  volume: Map<string, string>;
  tags: { Key: string; Value: string }[];
}

export const TIMINGS = { start: 300, stop: 90, update: 40, delete: 150, create: 420, copy: 240 };
const SENTINEL_DIR = '.sagemaker-notebook-vpc-guard/';

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function shellValue(content: string, variable: string): string | undefined {
  const raw = new RegExp(`^${variable}=(.*)$`, 'm').exec(content)?.[1];
  if (raw === undefined) return undefined;
  return raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'"'"'`, "'") : raw;
}

function splitS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match?.[1] || match[2] === undefined) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

export class FakeSageMaker {
  readonly notebooks = new Map<string, Notebook>();
  readonly lifecycleConfigs = new Map<string, JsonObject>();
  hookOutcome: { backup: HookOutcome; restore: HookOutcome } = { backup: 'complete', restore: 'complete' };
  /** Unconfirmed whether Start/UpdateNotebookInstance accept a Failed notebook: tests try both. */
  failedNotebookCanStart = false;
  createFailuresLeft = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly s3: FakeS3,
    private readonly subnets: Map<string, Subnet>,
    private readonly securityGroups: Map<string, string>,
  ) {}

  static arn(name: string): string {
    return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:notebook-instance/${name.toLowerCase()}`;
  }

  private find(name: unknown): Notebook {
    const notebook = this.notebooks.get(String(name));
    if (!notebook) throw validation(`RecordNotFound: Notebook Instance ${String(name)} does not exist`);
    return notebook;
  }

  private requireStatus(notebook: Notebook, allowed: readonly string[]): void {
    if (!allowed.includes(notebook.status)) {
      throw validation(`Status (${notebook.status}) not in ([${allowed.join(', ')}])`);
    }
  }

  private transition(notebook: Notebook, via: string, to: string, seconds: number, then?: () => void): void {
    notebook.status = via;
    this.clock.schedule(seconds, () => {
      if (notebook.status !== via) return;
      notebook.status = to;
      then?.();
    });
  }

  describe(notebook: Notebook): JsonObject {
    return {
      ...notebook.settings,
      NotebookInstanceStatus: notebook.status,
      ...(notebook.lifecycleConfigName
        ? { NotebookInstanceLifecycleConfigName: notebook.lifecycleConfigName }
        : {}),
    };
  }

  handle(operation: string, params: JsonObject): JsonObject {
    const name = params.NotebookInstanceName;
    switch (operation) {
      case 'DescribeNotebookInstance':
        return this.describe(this.find(name));
      case 'ListNotebookInstances':
        return {
          NotebookInstances: [...this.notebooks.values()].map((notebook) => ({
            NotebookInstanceName: notebook.settings.NotebookInstanceName ?? '',
            NotebookInstanceArn: notebook.settings.NotebookInstanceArn ?? '',
            NotebookInstanceStatus: notebook.status,
          })),
        };
      case 'ListTags': {
        const notebook = [...this.notebooks.values()].find(
          (n) => n.settings.NotebookInstanceArn === params.ResourceArn,
        );
        if (!notebook) throw validation(`Resource ${String(params.ResourceArn)} does not exist`);
        return { Tags: notebook.tags };
      }
      case 'StopNotebookInstance': {
        const notebook = this.find(name);
        this.requireStatus(notebook, ['InService']);
        this.transition(notebook, 'Stopping', 'Stopped', TIMINGS.stop);
        return {};
      }
      case 'StartNotebookInstance': {
        const notebook = this.find(name);
        this.requireStatus(notebook, this.failedNotebookCanStart ? ['Stopped', 'Failed'] : ['Stopped']);
        this.transition(notebook, 'Pending', 'InService', TIMINGS.start, () => this.runOnStart(notebook));
        return {};
      }
      case 'UpdateNotebookInstance':
        return this.update(this.find(name), params);
      case 'DeleteNotebookInstance': {
        const notebook = this.find(name);
        this.requireStatus(notebook, ['Stopped', 'Failed']);
        this.transition(notebook, 'Deleting', 'Deleted', TIMINGS.delete, () =>
          this.notebooks.delete(String(name)),
        );
        return {};
      }
      case 'CreateNotebookInstance':
        return this.create(params);
      case 'CreateNotebookInstanceLifecycleConfig':
      case 'UpdateNotebookInstanceLifecycleConfig': {
        const configName = String(params.NotebookInstanceLifecycleConfigName);
        const exists = this.lifecycleConfigs.has(configName);
        if (operation.startsWith('Create') === exists) {
          throw validation(
            `Notebook Instance Lifecycle Config ${configName} ${exists ? 'already exists' : 'does not exist'}`,
          );
        }
        this.lifecycleConfigs.set(configName, {
          OnStart: params.OnStart ?? [],
          OnCreate: params.OnCreate ?? [],
        });
        return {
          NotebookInstanceLifecycleConfigArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:nilc/${configName}`,
        };
      }
      case 'DescribeNotebookInstanceLifecycleConfig':
      case 'DeleteNotebookInstanceLifecycleConfig': {
        const configName = String(params.NotebookInstanceLifecycleConfigName);
        const config = this.lifecycleConfigs.get(configName);
        if (!config)
          throw validation(
            `Unable to describe Notebook Instance Lifecycle Config ${configName} (does not exist)`,
          );
        if (operation.startsWith('Describe'))
          return { NotebookInstanceLifecycleConfigName: configName, ...config };
        if ([...this.notebooks.values()].some((n) => n.lifecycleConfigName === configName)) {
          throw validation(`Lifecycle Config ${configName} is in use`);
        }
        this.lifecycleConfigs.delete(configName);
        return {};
      }
      default:
        throw new AwsError('NotImplemented', `sagemaker ${operation} is not faked`);
    }
  }

  private update(notebook: Notebook, params: JsonObject): JsonObject {
    this.requireStatus(notebook, this.failedNotebookCanStart ? ['Stopped', 'Failed'] : ['Stopped']);
    if (params.DisassociateLifecycleConfig === true) delete notebook.lifecycleConfigName;
    if (typeof params.LifecycleConfigName === 'string') {
      if (!this.lifecycleConfigs.has(params.LifecycleConfigName))
        throw validation('Lifecycle config does not exist');
      notebook.lifecycleConfigName = params.LifecycleConfigName;
    }
    this.transition(notebook, 'Updating', 'Stopped', TIMINGS.update);
    return {};
  }

  private create(params: JsonObject): JsonObject {
    const name = String(params.NotebookInstanceName);
    if ([...this.notebooks.keys()].some((existing) => existing.toLowerCase() === name.toLowerCase())) {
      throw validation(`Cannot create a duplicate Notebook Instance (${name})`);
    }
    if (this.createFailuresLeft > 0) {
      this.createFailuresLeft -= 1;
      throw new AwsError(
        'ResourceLimitExceeded',
        'The account-level service limit for ml.t3.medium is 0 instances',
      );
    }
    const subnetId = typeof params.SubnetId === 'string' ? params.SubnetId : undefined;
    const subnet = subnetId ? this.subnets.get(subnetId) : undefined;
    if (subnetId && !subnet) throw validation(`Subnet ${subnetId} does not exist`);
    const groups = (params.SecurityGroupIds ?? []) as string[];
    if (subnet && groups.some((group) => this.securityGroups.get(group) !== subnet.VpcId)) {
      throw validation('Security groups must be in the subnet VPC');
    }
    if (params.DirectInternetAccess === 'Disabled' && !subnet) throw validation('Disabled needs a SubnetId');
    const tags = (params.Tags ?? []) as { Key: string; Value: string }[];
    if (tags.length > 50 || tags.some((tag) => tag.Key.startsWith('aws:'))) throw validation('Invalid tags');
    const lifecycleConfigName =
      typeof params.LifecycleConfigName === 'string' ? params.LifecycleConfigName : undefined;
    if (lifecycleConfigName && !this.lifecycleConfigs.has(lifecycleConfigName))
      throw validation('No such config');

    const { Tags: _tags, LifecycleConfigName: _config, SecurityGroupIds: _groups, ...settings } = params;
    const repository =
      typeof params.DefaultCodeRepository === 'string' ? params.DefaultCodeRepository : undefined;
    const notebook: Notebook = {
      settings: {
        ...settings,
        SecurityGroups: groups,
        NotebookInstanceArn: FakeSageMaker.arn(name),
        ...(subnet ? { NetworkInterfaceId: 'eni-0123456789abcdef0' } : {}),
      },
      status: 'Pending',
      ...(lifecycleConfigName ? { lifecycleConfigName } : {}),
      // A default code repository is cloned onto the new volume.
      volume: new Map(
        repository ? [[`${repository.split('/').pop()}/.git/HEAD`, 'ref: refs/heads/main']] : [],
      ),
      tags: [...tags],
    };
    this.notebooks.set(name, notebook);
    this.transition(notebook, 'Pending', 'InService', TIMINGS.create, () => this.runOnStart(notebook));
    return { NotebookInstanceArn: FakeSageMaker.arn(name) };
  }

  /** The runbook's hooks start a background copy that ends with a marker, if the notebook keeps running. */
  private runOnStart(notebook: Notebook): void {
    const config = notebook.lifecycleConfigName
      ? this.lifecycleConfigs.get(notebook.lifecycleConfigName)
      : undefined;
    for (const hook of (config?.OnStart ?? []) as { Content: string }[]) {
      const content = Buffer.from(hook.Content, 'base64').toString('utf8');
      const dataUri = shellValue(content, 'DATA_URI');
      const markerUri = shellValue(content, 'MARKER_URI');
      if (!dataUri || !markerUri) continue; // the notebook's own configuration: not ours to interpret
      const purpose = content.includes('aws s3 sync "$VOLUME" "$DATA_URI"') ? 'backup' : 'restore';
      const sentinel = `${SENTINEL_DIR}restored-${shellValue(content, 'BACKUP_ID')}`;
      if (purpose === 'restore' && notebook.volume.has(sentinel)) continue;
      const outcome = this.hookOutcome[purpose];
      const subnet = this.subnets.get(String(notebook.settings.SubnetId ?? ''));
      if (outcome === 'never' || (subnet && !subnet.reachesS3)) continue;
      this.clock.schedule(TIMINGS.copy, () => {
        if (notebook.status !== 'InService') return; // stopped mid-copy: no marker
        const data = splitS3Uri(dataUri);
        if (purpose === 'backup' && outcome === 'complete') {
          for (const [path, body] of notebook.volume) this.s3.put(data.bucket, `${data.key}${path}`, body);
        }
        if (purpose === 'restore' && outcome === 'complete') {
          for (const key of this.s3.keys(data.bucket, data.key)) {
            notebook.volume.set(key.slice(data.key.length), this.s3.get(data.bucket, key) ?? '');
          }
          notebook.volume.set(sentinel, '');
        }
        const files = [...notebook.volume].filter(([path]) => !path.startsWith(SENTINEL_DIR));
        const marker: JsonValue = {
          Status: outcome === 'complete' ? 'ok' : 'failed',
          ExitCode: outcome === 'complete' ? 0 : 1,
          Files: files.length,
          Bytes: files.reduce((total, [, body]) => total + Buffer.byteLength(body), 0),
        };
        const target = splitS3Uri(markerUri);
        this.s3.put(target.bucket, target.key, JSON.stringify(marker));
      });
    }
  }
}
