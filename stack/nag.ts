/** Helpers for cdk-nag acknowledgements, whose ids quote the resource as cdk-nag renders it. */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A value as cdk-nag writes it in a finding id: literals as they are (a policy variable `${aws:userid}` as
 * `<aws:userid>`), `Ref` as `<LogicalId>`, `Fn::GetAtt` as `<LogicalId.Attribute>` (cdk-nag's
 * flattenCfnReference), joins joined.
 */
export function nagValue(scope: IConstruct, value: string): string {
  return render(Stack.of(scope).resolve(value));
}

function render(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{([^}]+)\}/g, '<$1>');
  if (value !== null && typeof value === 'object') {
    if ('Ref' in value && typeof value.Ref === 'string') return `<${value.Ref}>`;
    const getAtt = 'Fn::GetAtt' in value ? value['Fn::GetAtt'] : undefined;
    if (Array.isArray(getAtt) && getAtt.length === 2) return `<${getAtt.map(render).join('.')}>`;
    const join = 'Fn::Join' in value ? value['Fn::Join'] : undefined;
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) return join[1].map(render).join('');
  }
  throw new Error(`No cdk-nag rendering for ${JSON.stringify(value)}`);
}
