// The last gate before anything is written: each XML feed is re-parsed with a strict,
// namespace-aware parser, so a file that is not well-formed never reaches the output folder,
// whatever a writer did. `postfeed check` asks the same parser about feeds already written.
import { SaxesParser } from 'saxes';

export class MalformedOutputError extends Error {}

export interface XmlProblem {
  /** saxes' message, without the position it starts with. */
  message: string;
  line: number;
  column: number;
}

/** The first well-formedness or namespace error in `xml`, or undefined for a well-formed XML 1.0 document. */
export function xmlProblem(xml: string): XmlProblem | undefined {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let failure: XmlProblem | undefined;
  parser.on('error', (error) => {
    const [, line, column, message] = /^(\d+):(\d+): ([\s\S]*)$/.exec(error.message) ?? [, parser.line, parser.column, error.message];
    failure ??= { message: message!, line: Number(line), column: Number(column) };
  });
  parser.write(xml).close();
  return failure;
}

/** Throws when `xml` is not a well-formed, namespace-correct XML 1.0 document. */
export function assertWellFormed(xml: string, name: string): void {
  const failure = xmlProblem(xml);
  if (failure) throw new MalformedOutputError(`refusing to write ${name}: the generated XML is not well-formed (${failure.line}:${failure.column}: ${failure.message})`);
}
