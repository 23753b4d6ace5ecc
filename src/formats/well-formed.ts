// The last gate before anything is written: each XML feed is re-parsed with a strict,
// namespace-aware parser, so a file that is not well-formed never reaches the output folder,
// whatever a writer did.
import { SaxesParser } from 'saxes';

export class MalformedOutputError extends Error {}

/** Throws when `xml` is not a well-formed, namespace-correct XML 1.0 document. */
export function assertWellFormed(xml: string, name: string): void {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.write(xml).close();
  if (failure) throw new MalformedOutputError(`refusing to write ${name}: the generated XML is not well-formed (${failure.message})`);
}
