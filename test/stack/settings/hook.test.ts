/** The cloudFormationHook setting: off by default, warn or fail, from props or CDK context. */
import { describe, expect, it } from 'vitest';
import { InvalidSettingError, propsFromContext, resolveSettings } from '../../../stack/settings/index';

const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

describe('cloudFormationHook', () => {
  it('is off unless asked for; warn and fail are the two ways on', () => {
    expect(resolveSettings().cloudFormationHook).toBe('off');
    expect(resolveSettings({ cloudFormationHook: 'warn' }).cloudFormationHook).toBe('warn');
    expect(resolveSettings({ cloudFormationHook: 'fail' }).cloudFormationHook).toBe('fail');
  });

  it('comes from CDK context under its own name', () => {
    expect(
      resolveSettings(propsFromContext(context({ cloudFormationHook: 'fail' }))).cloudFormationHook,
    ).toBe('fail');
  });

  it('rejects anything else, naming the setting', () => {
    expect(() => resolveSettings(propsFromContext(context({ cloudFormationHook: 'block' })))).toThrow(
      new InvalidSettingError('cloudFormationHook', 'must be one of off, warn, fail, got "block"'),
    );
  });
});
