// Values handed to the `feed` library, encoded so that its XML writer (xml-js) emits exactly
// the intended text. Each function names the xml-js code path a value takes and undoes its quirk;
// the feed-traps tests pin every one of them through an independent XML parser.

// HTML5 character references that decode even without a semicolon (the "legacy" names).
const LEGACY_ENTITY_NAMES =
  'AElig|AMP|Aacute|Acirc|Agrave|Aring|Atilde|Auml|COPY|Ccedil|ETH|Eacute|Ecirc|Egrave|Euml|GT|Iacute|Icirc|Igrave|Iuml|LT|Ntilde|Oacute|Ocirc|Ograve|Oslash|Otilde|Ouml|QUOT|REG|THORN|Uacute|Ucirc|Ugrave|Uuml|Yacute|aacute|acirc|acute|aelig|agrave|amp|aring|atilde|auml|brvbar|ccedil|cedil|cent|copy|curren|deg|divide|eacute|ecirc|egrave|eth|euml|frac12|frac14|frac34|gt|iacute|icirc|iexcl|igrave|iquest|iuml|laquo|lt|macr|micro|middot|nbsp|not|ntilde|oacute|ocirc|ograve|ordf|ordm|oslash|otilde|ouml|para|plusmn|pound|quot|raquo|reg|sect|shy|sup1|sup2|sup3|szlig|thorn|times|uacute|ucirc|ugrave|uml|uuml|yacute|yen|yuml';
/** An `&` that an HTML parser would read as the start of a character reference. */
const AMPERSAND_STARTING_REFERENCE = new RegExp(`&(?=#|[A-Za-z0-9]+;|(?:${LEGACY_ENTITY_NAMES}))`, 'g');
/** A `<` that an HTML parser would read as the start of a tag, comment or declaration. */
const LESS_THAN_STARTING_TAG = /<(?=[A-Za-z/!?])/g;

/** Plain text as HTML, for HTML content: RSS description, Atom type="html". */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Plain text for RSS titles, which readers take as HTML while the RSS Advisory Board profile
 * (and the W3C validator) wants no markup or named entities in them. Only what an HTML parser
 * would misread is escaped ("AT&T" and "a < b" stay as they are), with the hexadecimal
 * references the profile recommends.
 */
export function escapeHtmlMinimally(text: string): string {
  return text.replace(AMPERSAND_STARTING_REFERENCE, '&#x26;').replace(LESS_THAN_STARTING_TAG, '&#x3C;');
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
