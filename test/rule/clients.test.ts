import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRuleClients, DEFAULT_MAX_ATTEMPTS } from '../../rule/clients';
import { ThrottlePacer } from '../../rule/sdk/pacing';

afterEach(() => vi.unstubAllEnvs());

const strategyOf = async (client: { config: { retryStrategy: () => Promise<unknown> } }) =>
  client.config.retryStrategy();

describe('createRuleClients', () => {
  it('gives every client the SDK’s adaptive retry with its own ThrottlePacer (each service paced on its own)', async () => {
    vi.stubEnv('AWS_RETRY_MODE', '');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '');
    const clients = createRuleClients({ region: 'ap-northeast-1', securityHub: true });
    const strategies = await Promise.all(Object.values(clients).map(strategyOf));
    expect(strategies).toHaveLength(4);
    for (const strategy of strategies) {
      expect(strategy).toBeInstanceOf(AdaptiveRetryStrategy);
      // The SDK keeps the limiter in a private field: read it the way JavaScript can.
      expect(Reflect.get(strategy as object, 'rateLimiter')).toBeInstanceOf(ThrottlePacer);
      expect(await (strategy as AdaptiveRetryStrategy).maxAttemptsProvider()).toBe(DEFAULT_MAX_ATTEMPTS);
    }
    const pacers = strategies.map((strategy) => Reflect.get(strategy as object, 'rateLimiter'));
    expect(new Set(pacers).size).toBe(4);
  });

  it('takes the attempts from the settings, else AWS_MAX_ATTEMPTS', async () => {
    vi.stubEnv('AWS_RETRY_MODE', '');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '7');
    const attempts = async (settings: { maxAttempts?: number }) =>
      (
        (await strategyOf(
          createRuleClients({ region: 'ap-northeast-1', ...settings }).ec2,
        )) as AdaptiveRetryStrategy
      ).maxAttemptsProvider();
    expect(await attempts({})).toBe(7);
    expect(await attempts({ maxAttempts: 2 })).toBe(2);
  });

  it('AWS_RETRY_MODE chooses the SDK’s own strategy instead', async () => {
    vi.stubEnv('AWS_RETRY_MODE', 'standard');
    const strategy = await strategyOf(createRuleClients({ region: 'ap-northeast-1' }).sagemaker);
    expect(strategy).not.toBeInstanceOf(AdaptiveRetryStrategy);
    expect((strategy as { mode: string }).mode).toBe('standard');
  });
});
