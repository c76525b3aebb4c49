/**
 * One hook request → the hook's answer, with the rule's own verdict and words:
 *   H1  a target other than AWS::SageMaker::NotebookInstance              → SUCCESS (not ours to judge)
 *   H2  a delete                                                          → SUCCESS (nothing is being placed)
 *   H3  create or update of a notebook the rule finds COMPLIANT           → SUCCESS
 *   H4  … exempt (the exemption tag)                                      → SUCCESS, the exemption as message
 *   H5  … NON_COMPLIANT                                                   → FAILED, NonCompliant, the annotation
 *   H6  a fact that cannot be read, bad parameters, a malformed request   → FAILED, InternalFailure (handler.ts)
 */
import { assessNotebook } from '../assess';
import type { NetworkFactsSource } from '../network';
import { NOTEBOOK_RESOURCE_TYPE, notebookFromCloudFormation } from '../notebook';
import type { RuleParameters } from '../parameters';
import { type HookErrorCode, type HookRequest, MalformedHookRequestError } from './request';

export type Decision =
  | { readonly hookStatus: 'SUCCESS'; readonly message: string }
  | { readonly hookStatus: 'FAILED'; readonly errorCode: HookErrorCode; readonly message: string };

export async function decide(
  request: HookRequest,
  network: NetworkFactsSource,
  parameters: RuleParameters,
): Promise<Decision> {
  const { targetName, targetLogicalId, targetModel } = request.requestData;
  if (targetName !== NOTEBOOK_RESOURCE_TYPE) {
    return { hookStatus: 'SUCCESS', message: `Not evaluated: ${targetName} is not a notebook instance` };
  }
  if (request.actionInvocationPoint === 'DELETE_PRE_PROVISION') {
    return { hookStatus: 'SUCCESS', message: 'Not evaluated: a deletion places no notebook' };
  }
  const properties = targetModel?.resourceProperties;
  if (!properties) {
    throw new MalformedHookRequestError(
      `requestData.targetModel.resourceProperties is missing for ${request.actionInvocationPoint} of ${targetLogicalId}`,
    );
  }
  const notebook = notebookFromCloudFormation(properties, targetLogicalId);
  const verdict = await assessNotebook(notebook, network, parameters);
  switch (verdict.compliance) {
    case 'NON_COMPLIANT':
      return {
        hookStatus: 'FAILED',
        errorCode: 'NonCompliant',
        message: verdict.annotation ?? 'NON_COMPLIANT',
      };
    case 'NOT_APPLICABLE':
      return { hookStatus: 'SUCCESS', message: verdict.annotation ?? 'NOT_APPLICABLE' };
    case 'COMPLIANT':
      return { hookStatus: 'SUCCESS', message: 'COMPLIANT' };
  }
}
