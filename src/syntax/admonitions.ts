// Docusaurus and Starlight admonitions (`:::note[Title]` … `:::`) as Markdown blockquotes with a
// bold label: every line of one keeps its place and gains a `> ` per admonition around it.
import { SyntaxWarnings } from './context.js';

// A Map, not an object: `:::constructor` must not find Object.prototype.constructor.
const LABELS = new Map([
  ['note', 'Note'],
  ['tip', 'Tip'],
  ['info', 'Info'],
  ['warning', 'Warning'],
  ['danger', 'Danger'],
  ['caution', 'Caution'],
  ['important', 'Important'],
]);

// Deeper admonitions are unwrapped instead: a `> ` per level on every line would make hostile
// nesting square the size of the body.
const MAX_QUOTED_DEPTH = 8;

export interface AdmonitionLayout {
  /** How many admonitions each line is inside: the number of `> ` it gets. */
  depth: number[];
  /** What replaces each marker line (`:::note` → `**Note:**`, `:::` → ''), by line index. */
  markers: Map<number, string>;
}

interface OpenContainer {
  colons: number;
  type: string;
  line: number;
  quoted: boolean;
}

/** Finds the admonitions among `lines`; `skip` tells which lines cannot hold a marker (code, ESM). */
export function layOutAdmonitions(lines: readonly string[], skip: (index: number) => boolean, warnings: SyntaxWarnings): AdmonitionLayout {
  const depth: number[] = [];
  const markers = new Map<number, string>();
  const open: OpenContainer[] = [];
  let quotedDepth = 0;
  lines.forEach((line, index) => {
    const marker = skip(index) ? undefined : markerAt(line);
    const top = open.at(-1);
    if (marker?.type === '' && top && marker.colons >= top.colons) {
      open.pop();
      if (top.quoted) quotedDepth -= 1;
      markers.set(index, '');
    } else if (marker && marker.type !== '') {
      const label = quotedDepth < MAX_QUOTED_DEPTH ? LABELS.get(marker.type) : undefined;
      open.push({ colons: marker.colons, type: marker.type, line: index + 1, quoted: label !== undefined });
      if (label) {
        quotedDepth += 1;
        markers.set(index, marker.title ? `**${marker.title}**` : `**${label}:**`);
      } else if (LABELS.has(marker.type)) {
        warnings.add('too deep', index + 1, 'mdx-component', `:::${marker.type} on line ${index + 1} is nested more than ${MAX_QUOTED_DEPTH} deep: its marker left out, its content kept unquoted`);
        markers.set(index, '');
      } else {
        warnings.add(`directive ${marker.type}`, index + 1, 'mdx-component', `Directive :::${marker.type} on line ${index + 1} left out, its content kept: postfeed knows only admonitions (${[...LABELS.keys()].join(', ')})`);
        markers.set(index, '');
      }
    }
    depth.push(quotedDepth);
  });
  // The outermost is named: closing it shows the next, if any.
  const [unclosed] = open;
  if (unclosed) {
    warnings.add('unclosed', unclosed.line, 'mdx-component', `:::${unclosed.type} on line ${unclosed.line} is never closed: it runs to the end of the post`);
  }
  return { depth, markers };
}

/** `:::type`, `:::type[Title]`, `:::type Title` (type '' for a closing `:::`), or undefined. */
function markerAt(line: string): { colons: number; type: string; title: string } | undefined {
  const trimmed = line.trim();
  let colons = 0;
  while (trimmed[colons] === ':') colons += 1;
  if (colons < 3) return undefined;
  const rest = trimmed.slice(colons);
  const type = /^[A-Za-z][\w-]*/.exec(rest)?.[0] ?? '';
  if (!type && rest) return undefined;
  const after = rest.slice(type.length);
  const bracketed = after.startsWith('[') && after.endsWith(']') ? after.slice(1, -1) : undefined;
  const title = bracketed ?? (after.startsWith('{') ? '' : after);
  return { colons, type: type.toLowerCase(), title: title.trim() };
}

/** `lines` with their admonition markers replaced and each line quoted as deep as it sits. */
export function applyAdmonitions(lines: readonly string[], layout: AdmonitionLayout): string[] {
  return lines.map((line, index) => {
    const text = layout.markers.get(index) ?? line;
    const depth = layout.depth[index]!;
    if (depth === 0) return text;
    const prefix = '> '.repeat(depth);
    return /\S/.test(text) ? prefix + text : prefix.trimEnd();
  });
}
