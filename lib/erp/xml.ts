/** A small XML writer: element trees in, well-formed and escaped text out. Undefined children are left out. */
export type XmlNode = { name: string; attrs?: Record<string, string>; children?: Array<XmlNode | undefined | false>; text?: string };

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than producing a document the ERP refuses.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

export function el(name: string, content?: string | number | Array<XmlNode | undefined | false>, attrs?: Record<string, string>): XmlNode {
  if (Array.isArray(content)) return { name, attrs, children: content };
  return { name, attrs, text: content === undefined ? undefined : String(content) };
}

/** `el(name, value)` when value is present, else nothing; keeps optional fields out of the tree. */
export function optional(name: string, value: string | number | undefined): XmlNode | undefined {
  return value === undefined || value === '' ? undefined : el(name, value);
}

function render(node: XmlNode, indent: string, out: string[]): void {
  const attrs = Object.entries(node.attrs ?? {}).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  const children = (node.children ?? []).filter((c): c is XmlNode => Boolean(c));
  if (children.length > 0) {
    out.push(`${indent}<${node.name}${attrs}>`);
    for (const child of children) render(child, `${indent}  `, out);
    out.push(`${indent}</${node.name}>`);
  } else if (node.text !== undefined) {
    out.push(`${indent}<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>`);
  } else {
    out.push(`${indent}<${node.name}${attrs}/>`);
  }
}

export function toXml(root: XmlNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  render(root, '', out);
  return `${out.join('\n')}\n`;
}
