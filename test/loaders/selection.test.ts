import { buildSchema, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectionOf, type SelectionTree } from '../../src/loaders/selection.js';

const schema = buildSchema(`
  type Leg { id: ID, state: String, target: String, next: Leg }
  type Query { call(n: Int): Leg, other: Leg }
`);

/** Executes `query` and returns the tree `selectionOf` saw at each object field, by its path (`call.next`). */
function treesOf(query: ReturnType<typeof parse>, variableValues: Record<string, unknown> = {}): Record<string, SelectionTree> {
  const seen: Record<string, SelectionTree> = {};
  const fieldResolver = (_root: unknown, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo): object | null => {
    if (!info.fieldNodes[0]?.selectionSet) return null;
    const path: string[] = [];
    for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(String(p.key));
    seen[path.join('.')] = selectionOf(info);
    return {};
  };
  const result = execute({ schema, document: query, variableValues, fieldResolver });
  expect(result).not.toHaveProperty('errors');
  return seen;
}

const names = (tree: SelectionTree | undefined): string[] => [...(tree?.keys() ?? [])].sort();

describe('selectionOf', () => {
  it('collects a document once and answers later executions with the same tree', () => {
    const document = parse('{ call { id state ...T } } fragment T on Leg { target }');
    const first = treesOf(document)['call'];
    const second = treesOf(document)['call'];
    expect(names(first)).toEqual(['id', 'state', 'target']);
    expect(second).toBe(first);
    // Another parse of the same text is another document: collected on its own, equal in content.
    const reparsed = treesOf(parse('{ call { id state ...T } } fragment T on Leg { target }'))['call'];
    expect(reparsed).not.toBe(first);
    expect(names(reparsed)).toEqual(names(first));
  });

  it('collects again whenever @include or @skip reads a variable', () => {
    const document = parse('query Q($full: Boolean!) { call { id state @include(if: $full) ... on Leg @skip(if: $full) { target } } }');
    expect(names(treesOf(document, { full: true })['call'])).toEqual(['id', 'state']);
    expect(names(treesOf(document, { full: false })['call'])).toEqual(['id', 'target']);
    expect(names(treesOf(document, { full: true })['call'])).toEqual(['id', 'state']);
  });

  it('keeps the merges of one fragment in two places apart', () => {
    // At other.next the field nodes are [L's next]; at call.next [L's next, the sibling next]: the same first node.
    const document = parse(`{
      other { ...L }
      call { ...L next { state } }
    }
    fragment L on Leg { next { id } }`);
    for (let run = 0; run < 2; run++) {
      const trees = treesOf(document);
      expect(names(trees['call.next'])).toEqual(['id', 'state']);
      expect(names(trees['other.next'])).toEqual(['id']);
    }
  });
});
