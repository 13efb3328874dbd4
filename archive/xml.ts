/**
 * A small XML writer for the arkivmelding: elements with text or children, escaped, indented
 * two spaces. Only what the export needs (no mixed content); values are escaped here and nowhere
 * else, so no field can break the document.
 */

export interface XmlElement {
  name: string;
  attributes?: Readonly<Record<string, string>>;
  /** Text content, or child elements; undefined children are left out (optional Noark fields). */
  content: string | number | readonly (XmlElement | undefined)[];
}

export const el = (name: string, content: XmlElement['content'], attributes?: Record<string, string>): XmlElement =>
  attributes ? { name, content, attributes } : { name, content };

/** An optional element: left out when the value is undefined. */
export const optional = (name: string, value: string | number | undefined): XmlElement | undefined =>
  value === undefined ? undefined : el(name, value);

// XML 1.0 allows tab, newline and carriage return of the control characters; any other (and
// lone surrogates) would make the document unreadable, so each becomes U+FFFD.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function render(element: XmlElement, depth: number): string {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(element.attributes ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const open = `${indent}<${element.name}${attributes}`;
  if (typeof element.content === 'string' || typeof element.content === 'number')
    return `${open}>${escapeXml(String(element.content))}</${element.name}>`;
  const children = element.content.filter((child): child is XmlElement => child !== undefined);
  if (children.length === 0) return `${open}/>`;
  return [`${open}>`, ...children.map((child) => render(child, depth + 1)), `${indent}</${element.name}>`].join('\n');
}

/** The document with its XML declaration (UTF-8), ending in a newline. */
export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root, 0)}\n`;
}
