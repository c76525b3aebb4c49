import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../rule/sdk/lambda-credentials';

afterEach(() => vi.unstubAllEnvs());

describe('the Lambda bundles’ credential provider', () => {
  it('reads the environment once and keeps the credentials, as the SDK’s chain does', async () => {
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFIRST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const provider = defaultProvider();
    const first = await provider();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLATER');
    expect(await provider()).toBe(first);
    expect(first.accessKeyId).toBe('AKIDFIRST');
  });

  it('asks the SDK’s whole chain when the environment names a profile', async () => {
    vi.stubEnv('AWS_PROFILE', 'nowhere-to-be-found');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    await expect(defaultProvider()()).rejects.toThrow(/nowhere-to-be-found|Could not load credentials/);
  });
});
