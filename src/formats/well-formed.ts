// The last gate before anything is written: XML is re-parsed with a strict, namespace-aware
// parser, so a file that is not well-formed never reaches the output folder, whatever a writer
// did. A feed is checked in parts (formats/registry.ts): its envelope as a document, each item as a
// fragment with the root's namespaces in scope. `postfeed check` asks the same parser about feeds
// already written.
//
// Most of an item is the HTML of its post in CDATA sections, which saxes reads one character at a
// time only to find where they end. So the text is first checked for characters XML forbids (two
// native scans), and saxes reads a skeleton of it with the sections' contents taken out. A skeleton
// without a problem answers for the text only when saxes read each emptied section as one: inside a
// section saxes changes nothing but its position and the section's text until the first `]]>`, so
// legal characters without a `]]>` can neither fail there nor change what follows. Otherwise, and
// whenever the skeleton has a problem, the text itself is parsed: a problem is always the one the
// full parse reports, at its position.
import { SaxesParser } from 'saxes';

export class MalformedOutputError extends Error {}

export interface XmlProblem {
  /** saxes' message, without the position it starts with. */
  message: string;
  line: number;
  column: number;
}

type Namespaces = Readonly<Record<string, string>>;

/**
 * The first well-formedness or namespace error in `xml`, or undefined when it is a well-formed
 * XML 1.0 document — or, given `fragmentNamespaces`, well-formed content of an element that
 * declares those namespaces (`''` for the default one).
 */
export function xmlProblem(xml: string, fragmentNamespaces?: Namespaces): XmlProblem | undefined {
  const skeleton = cdataSkeleton(xml);
  if (skeleton && skeletonIsWellFormed(skeleton, fragmentNamespaces)) return undefined;
  return firstProblem(xml, fragmentNamespaces);
}

/** Throws when `xml` is not a well-formed, namespace-correct XML 1.0 document (or fragment, see xmlProblem). */
export function assertWellFormed(xml: string, name: string, fragmentNamespaces?: Namespaces): void {
  throwIfProblem(xmlProblem(xml, fragmentNamespaces), name);
}

/**
 * assertWellFormed for `before + section + after`, where `section` is meant to be a run of CDATA
 * sections (a post's HTML, see xml.ts's xmlCdata), without making or scanning that whole text when
 * it is fine: the section is checked on its own — legal characters, and sections that each end
 * where the next begins — and the text around it is parsed with an empty section in its place. If
 * that parse is fine and reads the empty section as a CDATA section of its own, the section stood
 * in element content, where any run of well-formed CDATA sections may stand. Otherwise the whole
 * text is parsed, so a problem is always the one assertWellFormed reports, at its position. RSS
 * and Atom carry the same section: the last one found fine is remembered, so it is scanned once.
 */
export function assertWellFormedAround(before: string, section: string, after: string, name: string, fragmentNamespaces?: Namespaces): void {
  if (isCdataRun(section)) {
    const around = before + EMPTY_CDATA + after;
    if (ONLY_XML_CODE_UNITS.test(around) && around.isWellFormed() && skeletonIsWellFormed({ text: around, emptiedEnds: [before.length + EMPTY_CDATA.length] }, fragmentNamespaces)) return;
  }
  throwIfProblem(xmlProblem(before + section + after, fragmentNamespaces), name);
}

function throwIfProblem(failure: XmlProblem | undefined, name: string): void {
  if (failure) throw new MalformedOutputError(`refusing to write ${name}: the generated XML is not well-formed (${failure.line}:${failure.column}: ${failure.message})`);
}

const EMPTY_CDATA = '<![CDATA[]]>';
let lastCdataRun: string | undefined;

/**
 * Whether `section` is one or more CDATA sections and nothing else, holding only characters XML
 * allows (surrogates paired): `<![CDATA[`, content up to the first `]]>`, then the end or the next
 * `<![CDATA[` at once. It starts and ends with ASCII, so no pair can straddle its edges.
 */
function isCdataRun(section: string): boolean {
  if (section === lastCdataRun) return true;
  if (!section.startsWith(CDATA_START) || !ONLY_XML_CODE_UNITS.test(section) || !section.isWellFormed()) return false;
  let at = CDATA_START.length;
  for (;;) {
    const end = section.indexOf(CDATA_END, at);
    if (end === -1) return false;
    at = end + CDATA_END.length;
    if (at === section.length) break;
    if (!section.startsWith(CDATA_START, at)) return false;
    at += CDATA_START.length;
  }
  lastCdataRun = section;
  return true;
}

function parserFor(fragmentNamespaces: Namespaces | undefined): SaxesParser {
  return fragmentNamespaces
    ? new SaxesParser({ xmlns: true, position: true, fragment: true, additionalNamespaces: { ...fragmentNamespaces } })
    : new SaxesParser({ xmlns: true, position: true });
}

function firstProblem(xml: string, fragmentNamespaces: Namespaces | undefined): XmlProblem | undefined {
  const parser = parserFor(fragmentNamespaces);
  let failure: XmlProblem | undefined;
  parser.on('error', (error) => {
    const [, line, column, message] = /^(\d+):(\d+): ([\s\S]*)$/.exec(error.message) ?? [, parser.line, parser.column, error.message];
    failure ??= { message: message!, line: Number(line), column: Number(column) };
  });
  parser.write(xml).close();
  return failure;
}

const CDATA_START = '<![CDATA[';
const CDATA_END = ']]>';
/**
 * Code units XML 1.0 allows (no C0 control but tab, LF and CR; no U+FFFE, U+FFFF), surrogates
 * included: that they come in pairs is String#isWellFormed's to check. Anchored, so V8 runs one
 * tight loop over the text instead of starting a match at each position.
 */
const ONLY_XML_CODE_UNITS = /^[\t\n\r\u0020-\uFFFD]*$/;

interface Skeleton {
  text: string;
  /** Offset in `text` just after each emptied section's `]]>`, in order. */
  emptiedEnds: number[];
}

/**
 * `xml` with the content of each `<![CDATA[` … first `]]>` taken out, or undefined when there is
 * none or `xml` holds a character XML forbids (the full parse reports it). Where the `<![CDATA[` is
 * (a comment, an attribute value) does not matter here: skeletonIsWellFormed trusts only sections
 * the parser itself read as emptied ones.
 */
function cdataSkeleton(xml: string): Skeleton | undefined {
  let start = xml.indexOf(CDATA_START);
  // Checked whole rather than per section: one scan instead of many, and a text with a forbidden
  // character anywhere is refused by the full parse anyway. Lone surrogates matter beyond that:
  // saxes reads one together with the next code unit, which may be the `]` or `<` the sections
  // were found by. Sections start and end with ASCII, so taking contents out splits no pair.
  if (start === -1 || !ONLY_XML_CODE_UNITS.test(xml) || !xml.isWellFormed()) return undefined;
  const parts: string[] = [];
  const emptiedEnds: number[] = [];
  let length = 0;
  let from = 0;
  for (; start !== -1; start = xml.indexOf(CDATA_START, from)) {
    const content = start + CDATA_START.length;
    const end = xml.indexOf(CDATA_END, content);
    if (end === -1) break;
    parts.push(xml.slice(from, content));
    length += content - from;
    emptiedEnds.push(length + CDATA_END.length);
    from = end;
  }
  if (emptiedEnds.length === 0) return undefined;
  parts.push(xml.slice(from));
  return { text: parts.join(''), emptiedEnds };
}

/**
 * Parsers for skeletons, by the namespaces in scope: a feed's items are thousands of small parses,
 * and saxes resets a parser for the next document when it closes one (`end()` → `_init()`), so one
 * per namespace set saves building one per item.
 */
const skeletonParsers = new Map<string, SaxesParser>();

/**
 * True when the skeleton parses without a problem and each emptied section is a CDATA section of
 * that parse: an empty one (so it began at its own `<![CDATA[`) ending at its own `]]>`.
 */
function skeletonIsWellFormed({ text, emptiedEnds }: Skeleton, fragmentNamespaces: Namespaces | undefined): boolean {
  const key = fragmentNamespaces ? JSON.stringify(fragmentNamespaces) : '';
  const parser = skeletonParsers.get(key) ?? parserFor(fragmentNamespaces);
  skeletonParsers.set(key, parser);
  let problem = false;
  let verified = 0;
  parser.on('error', () => {
    problem = true;
  });
  parser.on('cdata', (content) => {
    if (content === '' && parser.position === emptiedEnds[verified]) verified += 1;
  });
  try {
    parser.write(text).close();
  } catch {
    // Only saxes' own consistency checks throw; whether they do is the full parse's to say. The
    // parser is left mid-document, so it is not used again.
    skeletonParsers.delete(key);
    return false;
  }
  return !problem && verified === emptiedEnds.length;
}
