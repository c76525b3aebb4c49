/**
 * The built artifacts the construct deploys: what `npm run build` writes to dist/ and the package ships. They
 * are found from the package root, so the construct deploys the very same files from this repository (after
 * `npm run build`) and from node_modules/sagemaker-notebook-vpc-guard: a `cdk synth` needs no esbuild, no
 * build hook and no Docker, and the Lambda code is byte for byte the build's output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { AutomationDocument } from '../remediation/types';

/**
 * Paths inside the package. A Lambda bundle is a folder: its index.js, the modules it loads only when needed
 * (rule/build.ts LAZY_MODULES) and a package.json marking it CommonJS.
 */
export const ARTIFACTS = {
  ruleBundle: 'dist/rule',
  hookBundle: 'dist/hook',
  runbook: 'dist/remediation/runbook.json',
  checkDocument: 'dist/remediation/runbook-check.json',
} as const;

export class MissingArtifactError extends Error {
  override readonly name = 'MissingArtifactError';
}

/** The package's own root, by its name (Node's self-reference through the package's `exports`). */
const PACKAGE_ROOT = dirname(
  createRequire(import.meta.url).resolve('sagemaker-notebook-vpc-guard/package.json'),
);

/** The absolute path of a built artifact; fails loudly when it has not been built. */
export function artifactPath(relativePath: string): string {
  const path = join(PACKAGE_ROOT, relativePath);
  if (!existsSync(path)) {
    throw new MissingArtifactError(
      `${relativePath} does not exist in ${PACKAGE_ROOT}: run \`npm run build\` (a published package ships it)`,
    );
  }
  return path;
}

/** The code of a Lambda from a prebuilt bundle folder under dist/ (ARTIFACTS.ruleBundle, hookBundle), deployed as it is. */
export function prebuiltLambdaCode(bundleDirectory: string): lambda.Code {
  return lambda.Code.fromAsset(artifactPath(bundleDirectory));
}

const documents = new Map<string, AutomationDocument>();

function builtDocument(path: string): AutomationDocument {
  const document =
    documents.get(path) ?? (JSON.parse(readFileSync(artifactPath(path), 'utf8')) as AutomationDocument);
  documents.set(path, document);
  return document;
}

/** The runbook as built (dist/remediation/runbook.json): the document the stack deploys and derives IAM from. */
export function builtRunbook(): AutomationDocument {
  return builtDocument(ARTIFACTS.runbook);
}

/** The check document the runbook runs, as built (dist/remediation/runbook-check.json). */
export function builtCheckDocument(): AutomationDocument {
  return builtDocument(ARTIFACTS.checkDocument);
}
