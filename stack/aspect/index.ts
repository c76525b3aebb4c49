/** The CDK aspect's public surface: the rule's checks at `cdk synth` for notebooks in any CDK app. */
export { NotebookVpcGuardAspect, type NotebookVpcGuardAspectProps } from './notebook-aspect';
