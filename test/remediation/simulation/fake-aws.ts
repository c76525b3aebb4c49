/**
 * A stateful fake of the AWS calls the runbook makes (SageMaker, EC2, S3, IAM, KMS), on a virtual clock, with
 * a call log and fault injection. Notebook behaviour lives in fake-sagemaker.ts, the automation role's
 * permissions in fake-iam.ts.
 */

import { FakeIam, FakeKms } from './fake-iam';
import { FakeSageMaker } from './fake-sagemaker';
import type { JsonObject, JsonValue } from './python-bridge';
import { AwsError } from './world-basics';

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
}

export class FakeS3 {
  readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(private readonly clock: FakeClock) {}

  bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError('NoSuchBucket', `The specified bucket ${name} does not exist`, 404);
    return bucket;
  }

  put(bucket: string, key: string, body: string): void {
    this.bucket(bucket).set(key, { body, lastModified: this.clock.now });
  }

  get(bucket: string, key: string): string | undefined {
    return this.bucket(bucket).get(key)?.body;
  }

  keys(bucket: string, prefix: string): string[] {
    return [...this.bucket(bucket).keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  handle(operation: string, params: JsonObject): JsonObject {
    const bucketName = String(params.Bucket);
    switch (operation) {
      case 'HeadBucket':
        this.bucket(bucketName);
        return {};
      case 'PutObject':
        this.put(bucketName, String(params.Key), String(params.Body ?? ''));
        return { ETag: '"simulated"' };
      case 'GetObject': {
        const body = this.get(bucketName, String(params.Key));
        if (body === undefined) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
        return { Body: body, ContentLength: body.length };
      }
      case 'ListObjectsV2': {
        // One page of at most 2 keys: the scripts must paginate.
        const keys = this.keys(bucketName, String(params.Prefix ?? ''));
        const start = params.ContinuationToken ? Number(params.ContinuationToken) : 0;
        const page = keys.slice(start, start + 2);
        const bucket = this.bucket(bucketName);
        const contents: JsonValue[] = page.map((key) => {
          const stored = bucket.get(key) as StoredObject;
          return { Key: key, Size: Buffer.byteLength(stored.body), LastModified: stored.lastModified };
        });
        const truncated = start + 2 < keys.length;
        return {
          KeyCount: page.length,
          IsTruncated: truncated,
          ...(contents.length > 0 ? { Contents: contents } : {}),
          ...(truncated ? { NextContinuationToken: String(start + 2) } : {}),
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

export class FakeAws {
  readonly clock = new FakeClock();
  readonly s3 = new FakeS3(this.clock);
  readonly subnets = new Map<string, Subnet>();
  readonly securityGroups = new Map<string, string>();
  readonly sagemaker = new FakeSageMaker(this.clock, this.s3, this.subnets, this.securityGroups);
  readonly iam = new FakeIam();
  readonly kms = new FakeKms(this.iam);
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
      return { SecurityGroups: ids.map((id) => ({ GroupId: id, VpcId: this.securityGroups.get(id) ?? '' })) };
    }
    throw new AwsError('NotImplemented', `ec2 ${operation} is not faked`);
  }

  /** The destructive or state-changing calls made so far (a policy simulation changes nothing). */
  mutatingCalls(): CallRecord[] {
    return this.calls.filter((call) => !/^(Describe|List|Get|Head|Simulate)/.test(call.operation));
  }
}
