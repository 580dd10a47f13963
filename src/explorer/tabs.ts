import { parse } from 'graphql';

/**
 * Splits a document of several operations (the README's examples, src/schema/examples.ts) into one tab per operation,
 * each with the comment lines above it, so a tab runs without asking which operation is meant.
 */
export function operationTabs(document: string): Array<{ query: string }> {
  const definitions = parse(document, { noLocation: false }).definitions;
  let start = 0;
  return definitions.map((definition) => {
    const end = definition.loc?.end ?? document.length;
    const query = document.slice(start, end).trim();
    start = end;
    return { query };
  });
}
