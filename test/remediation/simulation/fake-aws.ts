/**
 * A stateful fake of the AWS calls the runbook makes (SageMaker, EC2, S3, IAM, KMS), on a virtual clock, with
 * a call log and fault injection. Notebook behaviour lives in fake-sagemaker.ts, the automation role's
 * permissions in fake-iam.ts.
 */

import { FakeIam, FakeKms } from './fake-iam';
import { FakeSageMaker } from './fake-sagemaker';
import { FakeSsm } from './fake-ssm';
import type { JsonObject, JsonValue } from './python-bridge';
import { ACCOUNT, AwsError } from './world-basics';

export class FakeClock {
  now = 1_800_000_000;
  private timers: { at: number; run: () => void }[] = [];

  schedule(delaySeconds: number, run: () => void): void {
    this.timers.push({ at: this.now + delaySeconds, run });
  }

  advance(seconds: number): void {
    const target = this.now + seconds;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > target) break;
      this.timers.shift();
      this.now = next.at;
      next.run();
    }
    this.now = target;
  }
}

export interface StoredObject {
  readonly body: string;
  readonly lastModified: number;
  readonly versionId: string;
  /** S3's SHA-256 of the whole object (base64), when the upload asked for one. */
  readonly checksumSha256?: string;
  tags: { Key: string; Value: string }[];
}

/** One page of a listing: at most this many entries, so the scripts must paginate. */
const PAGE_SIZE = 2;

/**
 * Versioned buckets (every put is a new version; reads see the latest), ranged reads, delimited listings, tags,
 * and ExpectedBucketOwner. Bucket policies are not modelled: tests that write "as a co-tenant" show what the
 * runbook does even when a file it did not write is there.
 */
export class FakeS3 {
  readonly buckets = new Map<string, Map<string, StoredObject[]>>();
  private versions = 0;

  constructor(private readonly clock: FakeClock) {}

  bucket(name: string): Map<string, StoredObject[]> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError('NoSuchBucket', `The specified bucket ${name} does not exist`, 404);
    return bucket;
  }

  put(bucket: string, key: string, body: string, checksumSha256?: string): StoredObject {
    this.versions += 1;
    const stored: StoredObject = {
      body,
      lastModified: this.clock.now,
      versionId: `v${this.versions}`,
      ...(checksumSha256 ? { checksumSha256 } : {}),
      tags: [],
    };
    const objects = this.bucket(bucket);
    objects.set(key, [...(objects.get(key) ?? []), stored]);
    return stored;
  }

  latest(bucket: string, key: string): StoredObject | undefined {
    return this.bucket(bucket).get(key)?.at(-1);
  }

  get(bucket: string, key: string): string | undefined {
    return this.latest(bucket, key)?.body;
  }

  keys(bucket: string, prefix: string): string[] {
    return [...this.bucket(bucket).keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  private found(bucket: string, key: string): StoredObject {
    const stored = this.latest(bucket, key);
    if (stored === undefined) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
    return stored;
  }

  /** Keys, or with a delimiter the next level's common prefixes and the keys at this level, sorted. */
  private listing(bucket: string, prefix: string, delimiter: string | undefined): string[] {
    const entries = this.keys(bucket, prefix).map((key) => {
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      return cut < 0 ? key : key.slice(0, cut + 1);
    });
    return [...new Set(entries)].sort();
  }

  handle(operation: string, params: JsonObject): JsonObject {
    const bucketName = String(params.Bucket);
    if (params.ExpectedBucketOwner !== undefined && params.ExpectedBucketOwner !== ACCOUNT) {
      throw new AwsError('AccessDenied', 'Access Denied (bucket owner)', 403);
    }
    const key = String(params.Key);
    switch (operation) {
      case 'HeadBucket':
        this.bucket(bucketName);
        return {};
      case 'PutObject':
        return {
          ETag: '"simulated"',
          VersionId: this.put(bucketName, key, String(params.Body ?? '')).versionId,
        };
      case 'HeadObject': {
        const stored = this.found(bucketName, key);
        return {
          ContentLength: Buffer.byteLength(stored.body),
          LastModified: stored.lastModified,
          VersionId: stored.versionId,
          ...(stored.checksumSha256 ? { ChecksumSHA256: stored.checksumSha256 } : {}),
        };
      }
      case 'GetObject': {
        const stored = this.found(bucketName, key);
        const data = Buffer.from(stored.body);
        const range = /^bytes=(\d+)-(\d+)$/.exec(String(params.Range ?? ''));
        const slice = range ? data.subarray(Number(range[1]), Number(range[2]) + 1) : data;
        return {
          Body: slice.toString(),
          ContentLength: slice.length,
          LastModified: stored.lastModified,
          VersionId: stored.versionId,
          ...(range
            ? { ContentRange: `bytes ${range[1]}-${Number(range[1]) + slice.length - 1}/${data.length}` }
            : {}),
        };
      }
      case 'PutObjectTagging':
        this.found(bucketName, key).tags = (params.Tagging as { TagSet: StoredObject['tags'] }).TagSet;
        return { VersionId: this.found(bucketName, key).versionId };
      case 'ListObjectsV2': {
        const prefix = String(params.Prefix ?? '');
        const entries = this.listing(bucketName, prefix, params.Delimiter as string | undefined);
        const start = params.ContinuationToken ? Number(params.ContinuationToken) : 0;
        const page = entries.slice(start, start + PAGE_SIZE);
        const bucket = this.bucket(bucketName);
        const contents: JsonValue[] = page
          .filter((entry) => bucket.has(entry))
          .map((entry) => {
            const stored = bucket.get(entry)?.at(-1) as StoredObject;
            return { Key: entry, Size: Buffer.byteLength(stored.body), LastModified: stored.lastModified };
          });
        const common = page.filter((entry) => !bucket.has(entry)).map((entry) => ({ Prefix: entry }));
        const truncated = start + PAGE_SIZE < entries.length;
        return {
          KeyCount: page.length,
          IsTruncated: truncated,
          ...(contents.length > 0 ? { Contents: contents } : {}),
          ...(common.length > 0 ? { CommonPrefixes: common } : {}),
          ...(truncated ? { NextContinuationToken: String(start + PAGE_SIZE) } : {}),
        };
      }
      default:
        throw new AwsError('NotImplemented', `s3 ${operation} is not faked`);
    }
  }
}

export interface Subnet {
  readonly VpcId: string;
  readonly AvailabilityZone: string;
  /** False: no gateway endpoint or NAT, so a notebook there cannot reach S3. */
  readonly reachesS3: boolean;
}

export interface CallRecord {
  readonly service: string;
  readonly operation: string;
  readonly params: JsonObject;
  readonly at: number;
}

export type Fault = (call: Omit<CallRecord, 'at'>) => AwsError | undefined;

export interface RouteTable {
  readonly RouteTableId: string;
  readonly VpcId: string;
  readonly Associations: readonly JsonObject[];
  readonly Routes: readonly JsonObject[];
}

export class FakeAws {
  readonly clock = new FakeClock();
  readonly s3 = new FakeS3(this.clock);
  readonly subnets = new Map<string, Subnet>();
  /** Security group → its VPC. */
  readonly securityGroups = new Map<string, string>();
  /** Security group → its inbound rules (IpPermissions). */
  readonly ingress = new Map<string, JsonObject[]>();
  readonly routeTables: RouteTable[] = [];
  readonly iam = new FakeIam();
  readonly sagemaker = new FakeSageMaker(this.clock, this.s3, this.subnets, this.securityGroups, this.iam);
  readonly kms = new FakeKms(this.iam);
  readonly ssm = new FakeSsm();
  readonly calls: CallRecord[] = [];
  faults: Fault[] = [];

  call(service: string, operation: string, params: JsonObject): JsonObject {
    this.calls.push({ service, operation, params, at: this.clock.now });
    for (const fault of this.faults) {
      const error = fault({ service, operation, params });
      if (error) throw error;
    }
    if (service === 'sagemaker') {
      if (operation === 'CreateNotebookInstance') this.iam.authorizeCreate(params, this.kms);
      return this.sagemaker.handle(operation, params);
    }
    if (service === 'iam') return this.iam.handle(operation, params);
    if (service === 'kms') return this.kms.handle(operation, params);
    if (service === 's3') return this.s3.handle(operation, params);
    if (service === 'ssm') return this.ssm.handle(operation, params);
    if (service === 'ec2') return this.ec2(operation, params);
    throw new AwsError('NotImplemented', `${service} is not faked`);
  }

  private ec2(operation: string, params: JsonObject): JsonObject {
    const ids = (params.SubnetIds ?? params.GroupIds ?? []) as string[];
    if (operation === 'DescribeSubnets') {
      const missing = ids.find((id) => !this.subnets.has(id));
      if (missing)
        throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${missing}' does not exist`);
      return {
        Subnets: ids.map((id) => {
          const subnet = this.subnets.get(id) as Subnet;
          return { SubnetId: id, VpcId: subnet.VpcId, AvailabilityZone: subnet.AvailabilityZone };
        }),
      };
    }
    if (operation === 'DescribeSecurityGroups') {
      const missing = ids.find((id) => !this.securityGroups.has(id));
      if (missing)
        throw new AwsError('InvalidGroup.NotFound', `The security group '${missing}' does not exist`);
      return {
        SecurityGroups: ids.map((id) => ({
          GroupId: id,
          VpcId: this.securityGroups.get(id) ?? '',
          IpPermissions: this.ingress.get(id) ?? [],
        })),
      };
    }
    if (operation === 'DescribeRouteTables') {
      const [filter] = (params.Filters ?? []) as { Name: string; Values: string[] }[];
      if (filter?.Name !== 'vpc-id') throw new AwsError('NotImplemented', 'only the vpc-id filter is faked');
      return {
        RouteTables: this.routeTables.filter((table) =>
          filter.Values.includes(table.VpcId),
        ) as unknown as JsonValue[],
      };
    }
    throw new AwsError('NotImplemented', `ec2 ${operation} is not faked`);
  }

  /**
   * The destructive or state-changing calls made so far (a policy simulation changes nothing; neither does
   * starting the read-only check document).
   */
  mutatingCalls(): CallRecord[] {
    return this.calls.filter(
      (call) => !/^(Describe|List|Get|Head|Simulate|StartAutomationExecution$)/.test(call.operation),
    );
  }
}
