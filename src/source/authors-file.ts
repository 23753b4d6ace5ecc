// Reads the authors file the config names (Docusaurus `blog/authors.yml`, Jekyll
// `_data/authors.yml`, or JSON): key → {name, email, url, …}. Validation is config/authors.ts's.
import type { Diagnostic } from '../model.js';
import { lineNumberAt } from '../parse/lines.js';
import { readSmallFile } from './config-file.js';

export async function loadAuthorsFile(filePath: string, displayPath: string): Promise<{ raw?: unknown; diagnostics: Diagnostic[] }> {
  const problem = (code: string, message: string, line?: number) => ({
    diagnostics: [{ severity: 'error' as const, code, file: displayPath, ...(line ? { line } : {}), field: 'authors', message }],
  });
  const read = await readSmallFile(filePath);
  if ('notRegular' in read) return problem('authors-not-regular-file', 'is not a regular file; "authors" must name a YAML or JSON file');
  if ('tooLarge' in read) return problem('authors-too-large', `is ${read.tooLarge} bytes; far more than an authors file`);
  if ('errno' in read) {
    return problem(read.errno === 'ENOENT' ? 'authors-missing' : 'authors-unreadable', read.errno === 'ENOENT' ? 'the authors file named by "authors" does not exist' : `cannot be read (${read.errno})`);
  }
  // JSON is YAML too; the failsafe schema keeps every scalar a string, and aliases stay bounded.
  // The YAML library is loaded only here and where posts are parsed: a warm build needs neither.
  const { default: YAML } = await import('yaml');
  const document = YAML.parseDocument(read.text.replace(/^\uFEFF/, ''), { schema: 'failsafe', uniqueKeys: true, prettyErrors: false });
  const error = document.errors[0];
  if (error) return problem('authors-invalid', `is not valid YAML or JSON: ${error.message.split('\n')[0]}`, lineNumberAt(read.text, error.pos[0]));
  try {
    return { raw: document.toJS({ maxAliasCount: 100 }), diagnostics: [] };
  } catch (failure) {
    return problem('authors-invalid', `cannot be read as data: ${(failure as Error).message}`);
  }
}
