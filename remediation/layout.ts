/**
 * The backup bucket's layout under the backup prefix, shared by the scripts (scripts/common.py, finish.py), the
 * stack's bucket policy and lifecycle rule, and the notebook role policy (a test checks the Python agrees):
 *   data/<aws:userid>/<notebook>/<backup id>/  each notebook role session's own area: archive and markers
 *   runs/<notebook, lowercase>/<execution id>/ the automation role's: manifest, backup record, completion
 */

export const DATA_AREA = 'data';
/** The IAM policy variable of the caller's unique id: `<role unique id>:<session>` for a role's session. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template literal
export const AWS_USERID = '${aws:userid}';
/** A notebook role session's own area, as a policy keys it. */
export const OWN_AREA = `${DATA_AREA}/${AWS_USERID}`;
export const RUNS_AREA = 'runs';
/** Finish tags a completed run's objects so; the lifecycle rule expires only objects tagged so. */
export const COMPLETED_TAG = { key: 'sagemaker-notebook-vpc-guard', value: 'completed' } as const;
