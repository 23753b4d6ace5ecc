// Hugo shortcodes (`{{< name >}}`, `{{% name %}}`) and Zola shortcodes (`{{ name() }}`,
// `{% name() %}…{% end %}`) in post bodies, rewritten to plain Markdown. Both run before Markdown,
// so they are rewritten everywhere, code blocks included; their escapes (`{{</* x */>}}`) become
// the literal shortcode.
import { htmlFromText } from '../formats/xml.js';
import { type BodySyntaxContext, type Rewritten, type SyntaxWarningCode, SyntaxWarnings } from './context.js';
import { fenceFor, fenceInPlace } from './code-regions.js';
import { lineBreaksIn, quoted } from './scan.js';
import { type Arguments, hugoPieces, type Piece, type Shortcode, valueOf, zolaPieces } from './shortcode-syntax.js';

// A Map, not an object: a shortcode named `constructor` must not find Object.prototype's.
const VIDEO_PAGES = new Map<string, { label: string; url: (id: string) => string }>([
  ['youtube', { label: 'YouTube video', url: (id) => `https://www.youtube.com/watch?v=${encodeURIComponent(id)}` }],
  ['vimeo', { label: 'Vimeo video', url: (id) => `https://vimeo.com/${encodeURIComponent(id)}` }],
]);

const NOT_RUN = 'postfeed does not run templates';

interface Family {
  /** Which open shortcode a closer closes: Hugo's names its own, Zola's `{% end %}` the latest. */
  pairKey: (shortcode: Shortcode) => string;
  /** How the closer is written when every opener needs one (Zola's body shortcodes); Hugo's may stand alone. */
  requiredCloser?: string;
  /** How a warning names the shortcode: `{{< notice >}}`, `notice()`. */
  shown: (name: string) => string;
  /** The replacement of a shortcode standing alone (not around content), or undefined if unknown. */
  standalone: (shortcode: Shortcode, rewrite: ShortcodeRewrite, written: string) => string | undefined;
}

/** Rewrites Hugo shortcodes: figure, youtube, vimeo, ref, relref and highlight by what they show; others left out with a warning, content kept. */
export function rewriteHugoShortcodes(markdown: string, context: BodySyntaxContext): Rewritten {
  const warnings = new SyntaxWarnings();
  const pieces = hugoPieces(markdown, warnings);
  return new ShortcodeRewrite(markdown, context, warnings, HUGO).run(pieces);
}

/** Rewrites Zola shortcodes: youtube and vimeo become links; others left out with a warning, body kept. */
export function rewriteZolaShortcodes(markdown: string, context: BodySyntaxContext): Rewritten {
  const warnings = new SyntaxWarnings();
  const pieces = zolaPieces(markdown);
  return new ShortcodeRewrite(markdown, context, warnings, ZOLA).run(pieces);
}

const HUGO: Family = {
  pairKey: (shortcode) => shortcode.name,
  shown: (name) => `{{< ${name} >}}`,
  standalone: (shortcode, rewrite, written) => {
    const { name, arguments: args } = shortcode;
    // A figure written over several lines keeps them, as blank lines after its HTML.
    if (name === 'figure') return figureHtml(args, shortcode, rewrite) + lineBreaksIn(written);
    if (name === 'ref' || name === 'relref') return rewrite.reference(valueOf(args, 'path', 0), shortcode, HUGO.shown(name));
    if (VIDEO_PAGES.has(name)) return rewrite.videoLink(name, valueOf(args, 'id', 0), valueOf(args, 'title'), shortcode, HUGO.shown(name));
    return undefined;
  },
};

const ZOLA: Family = {
  pairKey: () => '',
  requiredCloser: '{% end %}',
  shown: (name) => `${name}()`,
  standalone: (shortcode, rewrite) => {
    const { name, arguments: args } = shortcode;
    if (VIDEO_PAGES.has(name)) return rewrite.videoLink(name, valueOf(args, 'id'), undefined, shortcode, ZOLA.shown(name));
    return undefined;
  },
};

class ShortcodeRewrite {
  private output = '';
  private cursor = 0;
  /** The fence each paired highlight opened, by the index of its closing shortcode. */
  private readonly fences = new Map<number, string>();

  constructor(
    private readonly markdown: string,
    private readonly context: BodySyntaxContext,
    private readonly warnings: SyntaxWarnings,
    private readonly family: Family,
  ) {}

  run(pieces: Piece[]): Rewritten {
    const partners = pairs(pieces, this.family.pairKey);
    pieces.forEach((piece, index) => {
      this.output += this.markdown.slice(this.cursor, piece.start);
      this.cursor = piece.end;
      const written = this.markdown.slice(piece.start, piece.end);
      if ('text' in piece) this.output += piece.text;
      else if (piece.form === 'close') this.close(piece, index, partners.has(index), written);
      else if (partners.has(index)) this.open(piece, partners.get(index)!, pieces, written);
      else if (piece.form === 'open' && this.family.requiredCloser) this.unclosed(piece, written, this.family.requiredCloser);
      else this.output += this.family.standalone(piece, this, written) ?? this.leftOut(piece, written, false);
    });
    this.output += this.markdown.slice(this.cursor);
    return { markdown: this.output, warnings: this.warnings.sorted() };
  }

  private open(shortcode: Shortcode, closeIndex: number, pieces: Piece[], written: string): void {
    if (shortcode.name !== 'highlight') {
      this.output += this.leftOut(shortcode, written, true);
      return;
    }
    const fence = fenceFor(this.markdown.slice(shortcode.end, pieces[closeIndex]!.start));
    const language = /^[\w+#.-]+/.exec(valueOf(shortcode.arguments, 'lang', 0) ?? '')?.[0] ?? '';
    this.output += fenceInPlace(fence + language, this.output, this.markdown, shortcode.end);
    this.fences.set(closeIndex, fence);
  }

  private close(shortcode: Shortcode, index: number, paired: boolean, written: string): void {
    const fence = this.fences.get(index);
    if (fence) this.output += fenceInPlace(fence, this.output, this.markdown, shortcode.end);
    else {
      if (!paired) this.warn(`stray ${written}`, shortcode.line, 'shortcode', `Shortcode ${quoted(written)} on line ${shortcode.line} closes nothing: left out`);
      this.output += lineBreaksIn(written);
    }
  }

  private unclosed(shortcode: Shortcode, written: string, closer: string): void {
    const shown = this.family.shown(shortcode.name);
    this.warn(`unclosed ${shortcode.name}`, shortcode.line, 'shortcode', `Shortcode ${shown} on line ${shortcode.line} has no ${closer}: its tag left out, the text after it kept`);
    this.output += lineBreaksIn(written);
  }

  /** Removes a shortcode postfeed cannot show, once warned about per name. */
  private leftOut(shortcode: Shortcode, written: string, aroundContent: boolean): string {
    const what = aroundContent ? 'left out, the content between its tags kept' : 'left out';
    const shown = this.family.shown(shortcode.name);
    this.warn(`name ${shortcode.name}`, shortcode.line, 'shortcode', `Shortcode ${shown} on line ${shortcode.line} ${what}: ${NOT_RUN}`);
    return lineBreaksIn(written);
  }

  warn(key: string, line: number, code: SyntaxWarningCode, message: string): void {
    this.warnings.add(key, line, code, message);
  }

  /** `ref "posts/x.md#part"`: the post's permalink and the fragment. */
  reference(reference: string | undefined, shortcode: Shortcode, shown: string): string {
    const hash = reference?.indexOf('#') ?? -1;
    const path = hash < 0 ? reference : reference!.slice(0, hash);
    const url = path ? this.context.resolvePost(path) : undefined;
    if (url === undefined) {
      const what = path ? `no post ${quoted(path)} to link to` : 'it names no post';
      this.warn(`reference ${reference}`, shortcode.line, 'unresolved-reference', `Shortcode ${shown} on line ${shortcode.line} left out: ${what}`);
      return '';
    }
    return hash < 0 ? url : url + reference!.slice(hash);
  }

  /** A video embed as a link to the video's page: feed readers do not run iframes. */
  videoLink(name: string, id: string | undefined, title: string | undefined, shortcode: Shortcode, shown: string): string {
    const page = VIDEO_PAGES.get(name)!;
    if (!id) {
      this.warn(`no id ${name}`, shortcode.line, 'shortcode', `Shortcode ${shown} on line ${shortcode.line} left out: it names no video`);
      return '';
    }
    return `[${escapeLinkText(title || page.label)}](${page.url(id)})`;
  }
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\[\]]/g, (character) => `\\${character}`);
}

/** Hugo's figure as HTML on one line, so the lines after it keep their numbers. */
function figureHtml(args: Arguments, shortcode: Shortcode, rewrite: ShortcodeRewrite): string {
  const src = valueOf(args, 'src', 0);
  if (!src) {
    rewrite.warn('figure without src', shortcode.line, 'shortcode', `Shortcode {{< figure >}} on line ${shortcode.line} left out: it has no src`);
    return '';
  }
  const attribute = (name: string, value: string | undefined) => (value === undefined ? '' : ` ${name}="${htmlFromText(value)}"`);
  const link = valueOf(args, 'link');
  const image = `<img${attribute('src', src)}${attribute('alt', valueOf(args, 'alt') ?? valueOf(args, 'caption') ?? '')}>`;
  const title = valueOf(args, 'title');
  const caption = valueOf(args, 'caption');
  const captionHtml =
    title || caption
      ? `<figcaption>${title ? `<strong>${htmlFromText(title)}</strong>` : ''}${title && caption ? ' ' : ''}${caption ? htmlFromText(caption) : ''}</figcaption>`
      : '';
  return `<figure>${link ? `<a${attribute('href', link)}>${image}</a>` : image}${captionHtml}</figure>`;
}

/** Index of each paired opener → its closer's, and each closer → its opener's; a closer pairs with the latest open shortcode of its key. */
function pairs(pieces: Piece[], pairKey: (shortcode: Shortcode) => string): Map<number, number> {
  const partners = new Map<number, number>();
  const open = new Map<string, number[]>();
  pieces.forEach((piece, index) => {
    if ('text' in piece || piece.form === 'self') return;
    const key = pairKey(piece);
    if (!open.has(key)) open.set(key, []);
    const stack = open.get(key)!;
    if (piece.form === 'open') stack.push(index);
    else {
      const opener = stack.pop();
      if (opener === undefined) return;
      partners.set(opener, index);
      partners.set(index, opener);
    }
  });
  return partners;
}
