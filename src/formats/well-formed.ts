// The last gate before anything is written: XML is re-parsed with a strict, namespace-aware
// parser, so a file that is not well-formed never reaches the output folder, whatever a writer
// did. A feed is checked in parts (formats/registry.ts): its envelope as a document, each item as a
// fragment with the root's namespaces in scope. `postfeed check` asks the same parser about feeds
// already written.
import { SaxesParser } from 'saxes';

export class MalformedOutputError extends Error {}

export interface XmlProblem {
  /** saxes' message, without the position it starts with. */
  message: string;
  line: number;
  column: number;
}

/**
 * The first well-formedness or namespace error in `xml`, or undefined when it is a well-formed
 * XML 1.0 document — or, given `fragmentNamespaces`, well-formed content of an element that
 * declares those namespaces (`''` for the default one).
 */
export function xmlProblem(xml: string, fragmentNamespaces?: Readonly<Record<string, string>>): XmlProblem | undefined {
  const parser = fragmentNamespaces
    ? new SaxesParser({ xmlns: true, position: true, fragment: true, additionalNamespaces: { ...fragmentNamespaces } })
    : new SaxesParser({ xmlns: true, position: true });
  let failure: XmlProblem | undefined;
  parser.on('error', (error) => {
    const [, line, column, message] = /^(\d+):(\d+): ([\s\S]*)$/.exec(error.message) ?? [, parser.line, parser.column, error.message];
    failure ??= { message: message!, line: Number(line), column: Number(column) };
  });
  parser.write(xml).close();
  return failure;
}

/** Throws when `xml` is not a well-formed, namespace-correct XML 1.0 document (or fragment, see xmlProblem). */
export function assertWellFormed(xml: string, name: string, fragmentNamespaces?: Readonly<Record<string, string>>): void {
  const failure = xmlProblem(xml, fragmentNamespaces);
  if (failure) throw new MalformedOutputError(`refusing to write ${name}: the generated XML is not well-formed (${failure.line}:${failure.column}: ${failure.message})`);
}
