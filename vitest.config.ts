import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The CDK synth and child-process integration tests are slow on a 2-core machine; they are not timed tests.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    // Probes Python once per run: suites that need it are skipped without it (a failure under CI).
    globalSetup: ['test/support/python-setup.ts'],
    // The SDK's notice that its 2027 releases need Node 22 (we pin versions; Lambda runs nodejs22.x).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
