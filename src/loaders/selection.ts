import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';

/** The fields an operation selected below a point, merged across fragments: name -> sub-selection. */
export type SelectionTree = ReadonlyMap<string, SelectionTree>;

const EMPTY: SelectionTree = new Map();

/**
 * The selection below the field being resolved (all of its field nodes: the same field may appear more
 * than once), following fragments and honouring @skip/@include. Aliases are merged under field names.
 */
export function selectionOf(info: GraphQLResolveInfo): SelectionTree {
  const tree = new Map<string, Map<string, unknown>>();
  for (const node of info.fieldNodes) collect(node.selectionSet, info, tree);
  return tree as SelectionTree;
}

/** Follows a path of field names (`['edges', 'node']`), merging nothing: missing => empty. */
export function subtree(tree: SelectionTree, ...path: string[]): SelectionTree {
  let current: SelectionTree | undefined = tree;
  for (const name of path) current = current?.get(name);
  return current ?? EMPTY;
}

/** Merges several trees (e.g. `edges.node` and `nodes` of a connection). */
export function mergeTrees(...trees: SelectionTree[]): SelectionTree {
  const out = new Map<string, SelectionTree>();
  for (const tree of trees) {
    for (const [name, sub] of tree) {
      const existing = out.get(name);
      out.set(name, existing ? mergeTrees(existing, sub) : sub);
    }
  }
  return out;
}

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: Map<string, Map<string, unknown>>): void {
  if (!set) return;
  for (const selection of set.selections) {
    if (!included(selection, info)) continue;
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        let child = into.get(name);
        if (!child) {
          child = new Map();
          into.set(name, child);
        }
        collect((selection as FieldNode).selectionSet, info, child as Map<string, Map<string, unknown>>);
        break;
      }
      case Kind.INLINE_FRAGMENT:
        collect(selection.selectionSet, info, into);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const fragment = info.fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet, info, into);
        break;
      }
    }
  }
}

function included(node: Parameters<typeof getDirectiveValues>[1], info: GraphQLResolveInfo): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, info.variableValues);
  if (skip?.['if'] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues);
  return include?.['if'] !== false;
}
