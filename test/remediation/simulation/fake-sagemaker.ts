/**
 * Fake SageMaker notebook instances: statuses that change over virtual time, the status each operation
 * requires, lifecycle configurations, and the runbook's on-start hooks, interpreted from the variables they set
 * (BUCKET, PREFIX, NAME, BACKUP_ID, USER_ID, SHA256, FRESH_VOLUME) and whether they create or extract a tar
 * archive. The hooks' shell is tested for real in hooks.test.ts; here the archive is the volume's files as JSON,
 * written to and read from the notebook role session's own area of the fake S3; both hooks stop Jupyter (users'
 * saves are then refused), the backup reports any change made after its snapshot, and the restore unpacks in place
 * only onto a volume that holds what SageMaker made (a clone is a folder of nothing but `.git/`), as the real ones do.
 */
import { createHash } from 'node:crypto';
import type { FakeClock, FakeS3, Subnet } from './fake-aws';
import type { FakeIam } from './fake-iam';
import type { JsonObject } from './python-bridge';
import { ACCOUNT, AwsError, REGION } from './world-basics';

export type HookOutcome = 'complete' | 'fail' | 'never';

export interface Notebook {
  /** DescribeNotebookInstance fields other than the status, lifecycle configuration and creation time. */
  readonly settings: JsonObject;
  status: string;
  lifecycleConfigName?: string;
  /** The ML storage volume: path → content. */
  volume: Map<string, string>;
  tags: { Key: string; Value: string }[];
  readonly createdAt: number;
  /** Users edit through Jupyter; the backup hook stops it until the notebook stops. */
  jupyter: 'running' | 'stopped';
  /** Set by the backup hook once its marker says ok: a change after its snapshot turns the marker "changed". */
  watch?: { readonly snapshot: string; readonly marker: { readonly bucket: string; readonly key: string } };
}

export const TIMINGS = { start: 300, stop: 90, update: 40, delete: 150, create: 420, copy: 240 };
const SENTINEL_DIR = '.sagemaker-notebook-vpc-guard/';

/** The fake's tar: the volume's files (the sentinel folder excluded, as the hook does) as sorted JSON. */
export function archive(volume: ReadonlyMap<string, string>): string {
  return JSON.stringify([...volume].filter(([path]) => !path.startsWith(SENTINEL_DIR)).sort());
}

/** Nothing a user made: the runbook's folder, lost+found, and folders of nothing but `.git/` (unchanged clones). */
function untouched(volume: ReadonlyMap<string, string>): boolean {
  return [...volume.keys()].every(
    (path) => path.startsWith(SENTINEL_DIR) || path.startsWith('lost+found/') || /^[^/]+\/\.git\//.test(path),
  );
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function shellValue(content: string, variable: string): string | undefined {
  const raw = new RegExp(`^${variable}=(.*)$`, 'm').exec(content)?.[1];
  if (raw === undefined) return undefined;
  return raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'"'"'`, "'") : raw;
}

export class FakeSageMaker {
  readonly notebooks = new Map<string, Notebook>();
  readonly lifecycleConfigs = new Map<string, JsonObject>();
  hookOutcome: { backup: HookOutcome; restore: HookOutcome } = { backup: 'complete', restore: 'complete' };
  /** Unconfirmed whether Start/UpdateNotebookInstance accept a Failed notebook: tests try both. */
  failedNotebookCanStart = false;
  createFailuresLeft = 0;
  /** The session name of the notebook role on a notebook (documented as "SageMaker"; a test changes it). */
  sessionName = 'SageMaker';
  /** False: the hook finds no jupyter-server unit to stop (it then only watches for changes). */
  jupyterStoppable = true;
  /** True: S3 keeps a SHA-256 of the whole archive (a single-part upload with a checksum). */
  archiveChecksums = false;

  constructor(
    private readonly clock: FakeClock,
    private readonly s3: FakeS3,
    private readonly subnets: Map<string, Subnet>,
    private readonly securityGroups: Map<string, string>,
    private readonly iam: FakeIam,
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

  /** The notebook role session's aws:userid on this notebook. */
  userIdOf(notebook: Notebook): string {
    return `${this.iam.roleIds.get(String(notebook.settings.RoleArn)) ?? 'AROAUNKNOWNROLE00000'}:${this.sessionName}`;
  }

  /** A user saving a file through Jupyter: refused (false) unless the notebook is InService with Jupyter up. */
  userSaves(notebook: Notebook, path: string, content: string): boolean {
    if (notebook.status !== 'InService' || notebook.jupyter !== 'running') return false;
    notebook.volume.set(path, content);
    return true;
  }

  describe(notebook: Notebook): JsonObject {
    return {
      ...notebook.settings,
      CreationTime: notebook.createdAt,
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
        this.stopWatching(notebook);
        this.transition(notebook, 'Stopping', 'Stopped', TIMINGS.stop);
        return {};
      }
      case 'StartNotebookInstance': {
        const notebook = this.find(name);
        this.requireStatus(notebook, this.failedNotebookCanStart ? ['Stopped', 'Failed'] : ['Stopped']);
        this.transition(notebook, 'Pending', 'InService', TIMINGS.start, () => this.onStart(notebook));
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
      createdAt: this.clock.now,
      jupyter: 'stopped',
    };
    this.notebooks.set(name, notebook);
    this.transition(notebook, 'Pending', 'InService', TIMINGS.create, () => this.onStart(notebook));
    return { NotebookInstanceArn: FakeSageMaker.arn(name) };
  }

  /** Jupyter comes up with the notebook; then the on-start hooks run (ours start a background copy). */
  private onStart(notebook: Notebook): void {
    notebook.jupyter = 'running';
    const config = notebook.lifecycleConfigName
      ? this.lifecycleConfigs.get(notebook.lifecycleConfigName)
      : undefined;
    for (const hook of (config?.OnStart ?? []) as { Content: string }[]) {
      const content = Buffer.from(hook.Content, 'base64').toString('utf8');
      const value = (variable: string) => shellValue(content, variable) ?? '';
      const area = (user: string) =>
        `${value('PREFIX')}/data/${user}/${value('NAME')}/${value('BACKUP_ID')}/`;
      if (content.includes('tar --create'))
        this.backUp(notebook, value('BUCKET'), area(this.userIdOf(notebook)));
      if (content.includes('tar --extract')) {
        const restore = {
          backupId: value('BACKUP_ID'),
          sha256: value('SHA256'),
          fresh: value('FRESH_VOLUME'),
        };
        this.restore(notebook, value('BUCKET'), area(value('USER_ID')), restore);
      }
    }
  }

  private reachesS3(notebook: Notebook): boolean {
    const subnet = this.subnets.get(String(notebook.settings.SubnetId ?? ''));
    return !subnet || subnet.reachesS3;
  }

  private backUp(notebook: Notebook, bucket: string, area: string): void {
    const outcome = this.hookOutcome.backup;
    const jupyter = this.jupyterStoppable ? 'stopped' : 'not-found';
    if (this.jupyterStoppable) notebook.jupyter = 'stopped';
    if (outcome === 'never' || !this.reachesS3(notebook)) return;
    const snapshot = archive(notebook.volume);
    this.clock.schedule(TIMINGS.copy, () => {
      if (notebook.status !== 'InService') return; // stopped mid-copy: no marker
      const digest = sha256(snapshot);
      const checksum = this.archiveChecksums ? Buffer.from(digest, 'hex').toString('base64') : undefined;
      if (outcome === 'complete') this.s3.put(bucket, `${area}volume.tar`, snapshot, checksum);
      const changed = archive(notebook.volume) !== snapshot;
      const status = outcome === 'fail' ? 'failed' : changed ? 'changed' : 'ok';
      const marker = { bucket, key: `${area}backup-complete.json` };
      const body = {
        Status: status,
        ExitCode: outcome === 'fail' ? 1 : 0,
        Bytes: Buffer.byteLength(snapshot),
      };
      this.s3.put(bucket, marker.key, JSON.stringify({ ...body, Sha256: digest, Jupyter: jupyter }));
      if (status === 'ok') notebook.watch = { snapshot, marker };
    });
  }

  /** The backup hook's watcher: a change after the snapshot, seen before the notebook stops, turns the marker. */
  private stopWatching(notebook: Notebook): void {
    const watch = notebook.watch;
    delete notebook.watch;
    if (!watch || archive(notebook.volume) === watch.snapshot) return;
    const marker = JSON.parse(this.s3.get(watch.marker.bucket, watch.marker.key) ?? '{}') as JsonObject;
    this.s3.put(watch.marker.bucket, watch.marker.key, JSON.stringify({ ...marker, Status: 'changed' }));
  }

  /** Only the session whose area it is may read and write there (the bucket policy). */
  private restore(
    notebook: Notebook,
    bucket: string,
    area: string,
    { backupId, sha256: expected, fresh }: { backupId: string; sha256: string; fresh: string },
  ): void {
    const sentinel = `${SENTINEL_DIR}restored-${backupId}`;
    const outcome = this.hookOutcome.restore;
    const ownArea = area.includes(`/data/${this.userIdOf(notebook)}/`);
    if (notebook.volume.has(sentinel)) return;
    if (this.jupyterStoppable) notebook.jupyter = 'stopped';
    if (outcome === 'never' || !this.reachesS3(notebook) || !ownArea) return;
    const into = fresh === 'true' || untouched(notebook.volume) ? '' : `restored-${backupId}/`;
    this.clock.schedule(TIMINGS.copy, () => {
      if (notebook.status !== 'InService') return; // stopped mid-copy: no marker
      const body = this.s3.get(bucket, `${area}volume.tar`);
      const digest = body === undefined ? '' : sha256(body);
      const status =
        outcome === 'fail' || body === undefined ? 'failed' : digest === expected ? 'ok' : 'mismatch';
      if (status !== 'failed' && body !== undefined) {
        for (const [path, content] of JSON.parse(body) as [string, string][])
          notebook.volume.set(`${into}${path}`, content);
      }
      if (status === 'ok') notebook.volume.set(sentinel, '');
      const marker = {
        Status: status,
        ExitCode: status === 'failed' ? 1 : 0,
        Sha256: digest,
        Into: into.slice(0, -1) || '.',
      };
      this.s3.put(bucket, `${area}restore-complete.json`, JSON.stringify(marker));
    });
  }
}
