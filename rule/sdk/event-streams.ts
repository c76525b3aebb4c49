/**
 * The SDK's event-stream support, bundled on its own for the Lambdas (rule/build.ts): the SDK imports it only
 * for event-stream operations, which the rule never calls. Left inside index.js, that one dynamic import would
 * make esbuild wrap most of the SDK in lazily initialized modules, and the Lambda's start slower.
 */
export * from '@smithy/core/event-streams';
