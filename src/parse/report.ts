// Collects the problems of one post, so every field is checked and reported, not just the first
// bad one. Knows how to turn a front-matter path into a line and a code frame.
import { hasErrors } from '../diagnostics/severity.js';
import type { Diagnostic } from '../model.js';
import type { FrontMatter } from './front-matter.js';
import { lineText } from './lines.js';

export type DataPath = ReadonlyArray<string | number>;

export class PostReport {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly frontMatter?: FrontMatter,
    /** Field → the key it was read from (`date` → `pubDate`): messages name the key the author wrote. */
    private readonly keyNames: ReadonlyMap<string, string> = new Map(),
  ) {}

  add(severity: Diagnostic['severity'], code: string, field: string, message: string, line?: number, column?: number): void {
    const excerpt = line !== undefined ? lineText(this.text, line) : undefined;
    this.diagnostics.push({
      severity,
      code,
      file: this.file,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      field,
      message,
      ...(excerpt !== undefined ? { excerpt: excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt } : {}),
    });
  }
  /** An error in a field at the line of `where` in the front matter (line 1 when it has no line). */
  error(code: string, field: string, message: string, where: DataPath = [field]): void {
    this.add('error', code, this.keyName(field), message, this.lineOf(where) ?? 1);
  }
  warn(code: string, field: string, message: string, where: DataPath = [field]): void {
    this.add('warning', code, this.keyName(field), message, this.lineOf(where) ?? 1);
  }
  /** `date` → `pubDate`, `authors[1].url` → `author[1].url`: the field as the key it was read from. */
  private keyName(field: string): string {
    return field.replace(/^[a-z]+/, (name) => this.keyNames.get(name) ?? name);
  }
  lineOf(where: DataPath): number | undefined {
    return where.length > 0 ? this.frontMatter?.lineOf(where) : undefined;
  }
  get failed(): boolean {
    return hasErrors(this.diagnostics);
  }
}

/** How a value is named in a message: its text, or what kind of thing it is. */
export function describe(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `"${String(value)}"`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
