/**
 * The Lambda bundles as built (npm run build): index.js holds what invocations need; what only rare ones need
 * is a file of its own next to it (LAZY_MODULES), loaded on first use — and works when it is.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OFFLINE_CREDENTIALS } from '../../offline/index';
import { HOOK_BUNDLE, LAZY_MODULES, RULE_BUNDLE } from '../../rule/build';
import { createSyntheticAccount, type FakeAwsServer, startFakeAws } from '../fake-aws/index';
import { invokeBundle } from '../fake-aws/invoke-bundle';
import { scheduledEvent } from '../fixtures/events';

let server: FakeAwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const lazyFilesOf = (bundle: string) =>
  [...readFileSync(bundle, 'utf8').matchAll(/import\("\.\/([\w-]+\.js)"\)/g)].map((match) => match[1]);

describe.each([
  ['rule', RULE_BUNDLE],
  ['hook', HOOK_BUNDLE],
])('dist/%s', (_name, bundle) => {
  it('loads its lazy modules from files next to index.js, each of them built', () => {
    const referenced = new Set(lazyFilesOf(bundle));
    expect([...referenced].sort()).toEqual([
      'credential-chain.js',
      'event-streams.js',
      'member-credentials.js',
    ]);
    const files = readdirSync(dirname(bundle));
    for (const file of referenced) expect(files).toContain(file);
    expect(files.filter((file) => file.endsWith('.js')).sort()).toEqual(
      ['index.js', ...Object.keys(LAZY_MODULES)].sort(),
    );
  });

  it('does not parse STS, SSO or the credential chain at start', () => {
    const source = readFileSync(bundle, 'utf8');
    for (const absent of [
      'AssumeRole',
      'GetRoleCredentials',
      'AssumeRoleWithWebIdentity',
      'credential_process',
    ])
      expect(source).not.toContain(absent);
  });

  it('its lazy modules export what index.js asks of them', async () => {
    const load = (file: string) => import(pathToFileURL(join(dirname(bundle), file)).href);
    expect(typeof (await load('credential-chain.js')).defaultProvider).toBe('function');
    expect(typeof (await load('event-streams.js')).EventStreamSerde).toBe('function');
    const { memberCredentials } = await load('member-credentials.js');
    expect(typeof memberCredentials({ roleArn: 'arn:aws:iam::444455556666:role/Member' })).toBe('function');
  });
});

describe('dist/rule/index.js without credentials in the environment', () => {
  it('loads the SDK’s credential chain and takes them from a profile', async () => {
    const inventory = createSyntheticAccount({ notebooks: 20 });
    server = await startFakeAws({ inventory });
    const directory = mkdtempSync(join(tmpdir(), 'vpc-guard-profile-'));
    const credentials = join(directory, 'credentials');
    writeFileSync(
      credentials,
      `[audit]\naws_access_key_id = ${OFFLINE_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${OFFLINE_CREDENTIALS.secretAccessKey}\n`,
    );
    const { results } = await invokeBundle(
      server,
      [scheduledEvent({ ruleParameters: inventory.ruleParameters ?? {} })],
      {
        env: {
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_PROFILE: 'audit',
          AWS_SHARED_CREDENTIALS_FILE: credentials,
          AWS_CONFIG_FILE: join(directory, 'config'),
        },
      },
    );
    expect(results[0]).toMatchObject({ ok: true });
    expect(server.state.storedEvaluations().length).toBeGreaterThan(20);
  });
});
