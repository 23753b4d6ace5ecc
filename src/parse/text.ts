// Characters that may not reach a feed. XML 1.0 forbids C0 controls (except tab, LF, CR),
// U+FFFE, U+FFFF and lone surrogates: one of them makes the whole document unreadable.
// C1 controls and DEL are legal but "discouraged" (XML 1.0 §2.2) and are always paste debris.
// No `u` flag: with it, lone surrogates could not be matched one code unit at a time.
const FORBIDDEN_CHARACTERS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface Stripped {
  text: string;
  /** The code points removed, as U+XXXX, first few only. */
  removed: string[];
  count: number;
  /** Index in the original text of the first character removed, -1 when none was. */
  firstIndex: number;
}

function describe(character: string): string {
  return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The same set without the surrogate look-arounds, which are slow on long texts. */
const FORBIDDEN_BMP_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

/** Removes every character a feed may not carry; reports what went. */
export function stripForbiddenCharacters(text: string): Stripped {
  // Nearly every text is clean: two linear scans settle that without the costlier pattern.
  if (!FORBIDDEN_BMP_CHARACTERS.test(text) && text.isWellFormed()) return { text, removed: [], count: 0, firstIndex: -1 };
  const removed = new Set<string>();
  let count = 0;
  let firstIndex = -1;
  const clean = text.replace(FORBIDDEN_CHARACTERS, (character, index: number) => {
    count += 1;
    if (firstIndex < 0) firstIndex = index;
    if (removed.size < 5) removed.add(describe(character));
    return '';
  });
  return { text: clean, removed: [...removed], count, firstIndex };
}

/** Single-line text (titles, names, tags): every run of white space becomes one space. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
