import { Kind, type GraphQLResolveInfo } from 'graphql';
import { selectionOf, type SelectionTree } from '../loaders/selection.js';

/**
 * What a router's `_entities(representations:) { ... on T { ... } }` fetch selected on type `typeName`. One fetch
 * may carry several entity types; fragments on the others are left out, so their field names cost nothing here.
 */
export function entitySelection(info: GraphQLResolveInfo, typeName: string): SelectionTree {
  const fieldNodes = info.fieldNodes.map((node) =>
    node.selectionSet === undefined
      ? node
      : {
          ...node,
          selectionSet: {
            ...node.selectionSet,
            selections: node.selectionSet.selections.filter(
              (s) => s.kind !== Kind.INLINE_FRAGMENT || s.typeCondition === undefined || s.typeCondition.name.value === typeName,
            ),
          },
        },
  );
  return selectionOf({ ...info, fieldNodes });
}
