// XML 1.0 escaping: the one place that knows how a value becomes markup. Every serializer routes
// every interpolated value through these functions; none writes `&`, `<` or `]]>` itself.
// Values arrive already stripped of characters XML cannot carry (parse/text.ts); the last gate
// (formats/well-formed.ts) re-parses the result anyway.

/**
 * Element text: `&`, `<` and `>` as entities (`>` too, so `]]>` can never appear); a carriage
 * return as a reference, since XML parsers turn a literal one into a line feed.
 */
export function xmlText(text: string): string {
  return text.replace(/[&<>\r]/g, (character) => TEXT_ENTITIES[character]!);
}
const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/**
 * Plain text that readers may also take as HTML (RSS titles and categories, Atom text constructs):
 * `&` and `<` as the hexadecimal character references the RSS Advisory Board profile recommends.
 * Any XML parser decodes them to the exact text, and the W3C validator, seeing them, knows that
 * entity-like text (`&copy;` as words) is meant literally.
 */
export function xmlPlainText(text: string): string {
  return text.replace(/[&<>\r]/g, (character) => REFERENCES[character]!);
}
const REFERENCES: Record<string, string> = { '&': '&#x26;', '<': '&#x3C;', '>': '&gt;', '\r': '&#xD;' };

/** A double-quoted attribute value; white space other than a space is kept as a reference, not normalized away. */
export function xmlAttribute(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (character) => ATTRIBUTE_ENTITIES[character]!);
}
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** A CDATA section holding `text` exactly: each `]]>` is split across two sections. */
export function xmlCdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** `name="value"` pairs for a start tag; undefined values are left out. */
export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) out += ` ${name}="${xmlAttribute(String(value))}"`;
  }
  return out;
}

/** Plain text as HTML, for an HTML-valued field (RSS description) that carries plain text. */
export function htmlFromText(text: string): string {
  return text.replace(/[&<>"]/g, (character) => HTML_ENTITIES[character]!);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
