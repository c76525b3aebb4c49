/**
 * Just enough XML writing for EC2 query answers: structures described member by member (the SDK's
 * PascalCase member → EC2's lowerCamel element), lists as `<item>`s. A member with no description throws,
 * so inventory data the fake cannot serialize fails loudly instead of silently vanishing from a response.
 */

export type XmlMember =
  /** A scalar, written as this element. */
  | string
  | { readonly element: string; readonly shape: XmlShape }
  | { readonly element: string; readonly items: XmlShape | 'scalar' };

export interface XmlShape {
  readonly [member: string]: XmlMember;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function xmlElement(element: string, content: string): string {
  return content === '' ? `<${element}/>` : `<${element}>${content}</${element}>`;
}

export function xmlScalar(element: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return xmlElement(element, value.toISOString());
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return xmlElement(element, escapeXml(String(value)));
  }
  throw new Error(`Cannot write ${typeof value} as the scalar <${element}>`);
}

export function xmlList(element: string, items: readonly unknown[], itemShape: XmlShape | 'scalar'): string {
  const content = items
    .map((item) => (itemShape === 'scalar' ? xmlScalar('item', item) : xmlStructure('item', item, itemShape)))
    .join('');
  return xmlElement(element, content);
}

export function xmlStructure(element: string, value: unknown, shape: XmlShape): string {
  if (typeof value !== 'object' || value === null) {
    throw new Error(`Cannot write ${typeof value} as the structure <${element}>`);
  }
  const parts: string[] = [];
  for (const [member, memberValue] of Object.entries(value)) {
    if (memberValue === undefined) continue;
    const description = shape[member];
    if (description === undefined) {
      throw new Error(`The EC2 fake has no XML mapping for member ${member} of <${element}>`);
    }
    if (typeof description === 'string') {
      parts.push(xmlScalar(description, memberValue));
    } else if ('shape' in description) {
      parts.push(xmlStructure(description.element, memberValue, description.shape));
    } else {
      if (!Array.isArray(memberValue)) throw new Error(`Member ${member} of <${element}> must be a list`);
      parts.push(xmlList(description.element, memberValue, description.items));
    }
  }
  return xmlElement(element, parts.join(''));
}
