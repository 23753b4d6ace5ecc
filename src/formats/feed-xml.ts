// Values handed to the `feed` library, encoded so that its XML writer (xml-js) emits exactly
// the intended text. Each function names the xml-js code path a value takes and undoes its quirk;
// the feed-traps tests pin every one of them through an independent XML parser.

/** HTML-escapes plain text, for places whose content is HTML (RSS description, Atom type="html"). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * For values xml-js writes as element text. It first turns every `&amp;` back into `&`
 * ("desanitize"), so a literal "&amp;" would come out as "&": escaping every `&` first
 * makes its round trip exact.
 */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;');
}

/** For attribute values where neither feed nor xml-js escapes `&` and `<` (xml-js escapes only `"`). */
export function xmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * For HTML placed in a CDATA section. xml-js splits only the first `]]>`, so none may remain;
 * in HTML `]]&gt;` means the same as `]]>`.
 */
export function xmlCdataHtml(html: string): string {
  return html.replaceAll(']]>', ']]&gt;');
}
