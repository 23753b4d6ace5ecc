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
// full parse reports, at its position. An item's skeleton (or an item without sections) is read
// first by a recognizer of the markup writers make, many times faster than saxes; what it does not
// settle, saxes reads.
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
  // A document without sections is parsed once, whole: a skeleton would be the same text again.
  if (skeleton && (skeleton.emptiedEnds.length > 0 || fragmentNamespaces) && skeletonIsWellFormed(skeleton, fragmentNamespaces)) return undefined;
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
    if (hasOnlyXmlCharacters(around) && skeletonIsWellFormed({ text: around, emptiedEnds: [before.length + EMPTY_CDATA.length] }, fragmentNamespaces)) return;
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
  if (!section.startsWith(CDATA_START) || !hasOnlyXmlCharacters(section)) return false;
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

/** Whether every character of `text` is one XML allows: the code units above, surrogates in pairs. */
function hasOnlyXmlCharacters(text: string): boolean {
  return ONLY_XML_CODE_UNITS.test(text) && text.isWellFormed();
}

interface Skeleton {
  text: string;
  /** Offset in `text` just after each emptied section's `]]>`, in order. */
  emptiedEnds: number[];
}

/**
 * `xml` with the content of each `<![CDATA[` … first `]]>` taken out (`xml` itself when there is
 * none), or undefined when `xml` holds a character XML forbids (the full parse reports it). Where
 * the `<![CDATA[` is (a comment, an attribute value) does not matter here: skeletonIsWellFormed
 * trusts only sections the parser itself read as emptied ones.
 */
function cdataSkeleton(xml: string): Skeleton | undefined {
  // Checked whole rather than per section: one scan instead of many, and a text with a forbidden
  // character anywhere is refused by the full parse anyway. Lone surrogates matter beyond that:
  // saxes reads one together with the next code unit, which may be the `]` or `<` the sections
  // were found by. Sections start and end with ASCII, so taking contents out splits no pair.
  if (!hasOnlyXmlCharacters(xml)) return undefined;
  let start = xml.indexOf(CDATA_START);
  // Nothing to take out: the text is its own skeleton (the recognizer may settle it without saxes).
  if (start === -1) return { text: xml, emptiedEnds: [] };
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
  if (fragmentNamespaces && recognizes(text, emptiedEnds, fragmentNamespaces)) return true;
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

// A recognizer for the markup writers produce, much faster than saxes (which reads a character at
// a time through a state machine): start and end tags with ASCII names, attributes in quotes,
// references, text and CDATA sections. It says "well-formed" only where a namespace-aware parse
// would (checked against saxes by test/well-formed-gate.test.ts); anything else it does not know —
// comments, processing instructions, non-ASCII names, names that start with `xml` (namespace
// declarations among them), a CDATA section outside every element — it leaves to saxes.
// Characters are checked before it runs (hasOnlyXmlCharacters).
const NAME = '[A-Za-z_][A-Za-z0-9._-]*';
const START_TAG = new RegExp(`<(${NAME}(?::${NAME})?)`, 'y');
const ATTRIBUTE = new RegExp(`[ \\t\\r\\n]+(${NAME}(?::${NAME})?)[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^<"]*)"|'([^<']*)')`, 'y');
const TAG_END = /[ \t\r\n]*\/?>/y;
const END_TAG_REST = /[ \t\r\n]*>/y;
const TEXT = /[^<&\]]+/y;
/** A reference to a predefined entity or a character: one at a place (y), or all in a value (g). */
const REFERENCE_SOURCE = '&(?:amp|lt|gt|quot|apos|#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7}));';
const REFERENCE = new RegExp(REFERENCE_SOURCE, 'y');
const REFERENCES = new RegExp(REFERENCE_SOURCE, 'g');

/** XML 1.0 §2.2 Char: tab, LF, CR, and the rest of Unicode but surrogates, U+FFFE and U+FFFF. */
export function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) || (codePoint >= 0xe000 && codePoint <= 0xfffd) || (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

function referenceIsValid(match: RegExpExecArray): boolean {
  if (match[1] !== undefined) return isXmlCharacter(parseInt(match[1], 16));
  if (match[2] !== undefined) return isXmlCharacter(parseInt(match[2], 10));
  return true;
}

/** An attribute value's `&`s are all references to characters XML allows. */
function valueIsValid(value: string): boolean {
  if (!value.includes('&')) return true;
  let references = 0;
  for (const match of value.matchAll(REFERENCES)) {
    if (!referenceIsValid(match)) return false;
    references += 1;
  }
  let ampersands = 0;
  for (let at = value.indexOf('&'); at !== -1; at = value.indexOf('&', at + 1)) ampersands += 1;
  return ampersands === references;
}

const RESERVED = /^xml|:xml/i;

/** The namespace a prefixed name's prefix is bound to among `namespaces`; undefined when it is not (or is reserved). */
function boundPrefix(name: string, namespaces: Namespaces): string | null | undefined {
  // Names that start with `xml` are reserved (`xml:lang`, `xmlns`): saxes knows what each means.
  if (RESERVED.test(name)) return undefined;
  const colon = name.indexOf(':');
  if (colon === -1) return null;
  const prefix = name.slice(0, colon);
  return Object.hasOwn(namespaces, prefix) && prefix !== '' ? namespaces[prefix] : undefined;
}

/**
 * True only when `text` is well-formed, namespace-correct content of an element declaring
 * `namespaces`, and each of `emptiedEnds` is where an empty CDATA section inside an element ends.
 * False says nothing: saxes decides.
 */
function recognizes(text: string, emptiedEnds: readonly number[], namespaces: Namespaces): boolean {
  const open: string[] = [];
  let verified = 0;
  let at = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 0x3c) {
      const next = text.charCodeAt(at + 1);
      if (next === 0x2f) {
        // The end tag of the element open last: its name, then white space or `>`.
        const name = open.pop();
        if (name === undefined || !text.startsWith(name, at + 2)) return false;
        END_TAG_REST.lastIndex = at + 2 + name.length;
        if (!END_TAG_REST.test(text)) return false;
        at = END_TAG_REST.lastIndex;
      } else if (next === 0x21) {
        if (open.length === 0 || !text.startsWith('<![CDATA[', at)) return false;
        const end = text.indexOf(']]>', at + 9);
        if (end === -1) return false;
        if (end === at + 9 && emptiedEnds[verified] === end + 3) verified += 1;
        at = end + 3;
      } else {
        START_TAG.lastIndex = at;
        const start = START_TAG.exec(text);
        if (!start || boundPrefix(start[1]!, namespaces) === undefined) return false;
        at = START_TAG.lastIndex;
        // Few attributes to a tag: a list is quicker than a set.
        const names: string[] = [];
        for (;;) {
          ATTRIBUTE.lastIndex = at;
          const attribute = ATTRIBUTE.exec(text);
          if (!attribute) break;
          const name = attribute[1]!;
          const uri = boundPrefix(name, namespaces);
          if (uri === undefined) return false;
          // Two attributes are the same when their local names and namespaces are (`a:x`, `b:x` with one URI).
          const key = uri === null ? name : `${uri}\u0000${name.slice(name.indexOf(':') + 1)}`;
          if (names.includes(key) || !valueIsValid(attribute[2] ?? attribute[3]!)) return false;
          names.push(key);
          at = ATTRIBUTE.lastIndex;
        }
        TAG_END.lastIndex = at;
        if (!TAG_END.test(text)) return false;
        if (text.charCodeAt(TAG_END.lastIndex - 2) !== 0x2f) open.push(start[1]!);
        at = TAG_END.lastIndex;
      }
    } else if (code === 0x26) {
      REFERENCE.lastIndex = at;
      const reference = REFERENCE.exec(text);
      if (!reference || !referenceIsValid(reference)) return false;
      at = REFERENCE.lastIndex;
    } else if (code === 0x5d) {
      // Text may hold anything but `]]>` (its characters are checked already).
      if (text.startsWith(']]>', at)) return false;
      at += 1;
    } else {
      TEXT.lastIndex = at;
      TEXT.test(text);
      at = TEXT.lastIndex;
    }
  }
  return open.length === 0 && verified === emptiedEnds.length;
}
