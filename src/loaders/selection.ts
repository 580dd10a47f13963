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

/** Trees already collected, by the first of their field nodes (nodes of a parsed document Apollo keeps and reuses). */
const collected = new WeakMap<FieldNode, Array<{ nodes: readonly FieldNode[]; tree: SelectionTree }>>();

/**
 * The selection below the field being resolved (all of its field nodes: the same field may appear more
 * than once), following fragments and honouring @skip/@include. Aliases are merged under field names.
 * The tree depends only on the nodes (and the fragments of their document) unless a `@skip` or `@include`
 * below them reads variables, so every other tree is collected once per document and shared read-only.
 */
export function selectionOf(info: GraphQLResolveInfo): SelectionTree {
  const nodes = info.fieldNodes;
  const first = nodes[0];
  const known = first && collected.get(first);
  const hit = known?.find((entry) => entry.nodes.length === nodes.length && entry.nodes.every((node, i) => node === nodes[i]));
  if (hit) return hit.tree;
  const state = { conditional: false };
  const tree = new Map<string, Map<string, unknown>>();
  for (const node of nodes) collect(node.selectionSet, info, tree, state);
  if (first && !state.conditional) {
    const entries = known ?? [];
    // Bounded: the same node under different merges is rare (a fragment spread in several places).
    if (entries.length < 8) entries.push({ nodes: [...nodes], tree: tree as SelectionTree });
    if (!known) collected.set(first, entries);
  }
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

function collect(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  into: Map<string, Map<string, unknown>>,
  state: { conditional: boolean },
): void {
  if (!set) return;
  for (const selection of set.selections) {
    if (selection.directives?.length) {
      state.conditional = true;
      if (!included(selection, info)) continue;
    }
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        let child = into.get(name);
        if (!child) {
          child = new Map();
          into.set(name, child);
        }
        collect((selection as FieldNode).selectionSet, info, child as Map<string, Map<string, unknown>>, state);
        break;
      }
      case Kind.INLINE_FRAGMENT:
        collect(selection.selectionSet, info, into, state);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const fragment = info.fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet, info, into, state);
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
