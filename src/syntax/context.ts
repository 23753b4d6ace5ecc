// What every body-syntax rewrite takes and returns: the site's base URL and a way to find a post
// by the reference an author wrote, in; Markdown without template syntax and warnings, out.

export interface BodySyntaxContext {
  /** Absolute base URL ending in "/". */
  baseUrl: string;
  /**
   * A post reference as written (Jekyll post_url name like "2010-07-21-name", a link path like
   * "_posts/2016-07-26-name.md", a Hugo ref like "posts/my-post.md" or "my-post") → that post's
   * absolute permalink, or undefined.
   */
  resolvePost(reference: string): string | undefined;
}

export type SyntaxWarningCode = 'template-tag' | 'shortcode' | 'mdx-component' | 'mdx-expression' | 'unresolved-reference';

export interface SyntaxWarning {
  /** 1-based line within the body given. */
  line: number;
  code: SyntaxWarningCode;
  message: string;
}

export interface Rewritten {
  markdown: string;
  warnings: SyntaxWarning[];
}

/** Warnings in the order of their lines, at most one per key (the first occurrence names the line). */
export class SyntaxWarnings {
  private readonly list: SyntaxWarning[] = [];
  private readonly keys = new Set<string>();

  add(key: string, line: number, code: SyntaxWarningCode, message: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push({ line, code, message });
  }

  sorted(): SyntaxWarning[] {
    return [...this.list].sort((a, b) => a.line - b.line);
  }
}
