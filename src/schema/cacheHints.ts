/**
 * Response cache hints, set where they are honest. A call record is written once a call has ended and changes only
 * when Graph revises it (its `version` grows), so a record, and everything inside it, may be reused for a few
 * minutes, by the caller alone (`PRIVATE`: it names people, and who may read it depends on the caller). Calls are
 * live state and lists of records grow: both stay uncacheable (max-age 0, as Apollo's default for root fields and
 * fields of object type). A router's `_entities` fetch is cacheable only when every representation is a call record.
 *
 * The policy is read from the operation, once, not from a hook on every resolved field: the rules depend only on
 * the selected fields' types and on `_entities`' representations, so walking the selection set (with @skip and
 * @include applied) gives what Apollo's per-field cache control computed, or a stricter answer where a selected
 * field would not have run (a fragment on a type that never came back): never a looser one. Without a hook per
 * field, Apollo leaves the schema's resolvers unwrapped and the compiled executor reads plain properties inline.
 * The header is Apollo's: `max-age=N, private`, or `no-store`; an answer with errors is never cacheable.
 *
 * Hints are not written with `@cacheControl` in the SDL, so the published subgraph needs no extra directive and
 * enum (and the enum would need Graph's UNKNOWN_FUTURE_VALUE convention). server.ts disables Apollo's own
 * cache-control plugin, which this replaces.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** How long a call record may be reused, in seconds. */
export const CALL_RECORD_MAX_AGE = 300;

const RECORD = 'CallRecord';

export function cacheHintsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let maxAge = 0;
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (operation === undefined) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
          }
          try {
            maxAge = operationMaxAge(schema, operation, fragments, request.variables ?? {});
          } catch {
            // Arguments that do not coerce: execution reports them; the answer is not cacheable.
            maxAge = 0;
          }
        },
        async willSendResponse({ response }) {
          const cacheable = maxAge > 0 && response.body.kind === 'single' && response.body.singleResult.errors === undefined;
          response.http.headers.set('cache-control', cacheable ? `max-age=${maxAge}, private` : 'no-store');
        },
      };
    },
  };
}

/** The operation's max-age: the smallest hint of any selected root field or field of composite type (0: uncacheable). */
function operationMaxAge(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const root = schema.getRootType(operation.operation);
  if (root === undefined || root === null) return 0;
  let maxAge = Number.POSITIVE_INFINITY;
  const included = (node: Parameters<typeof getDirectiveValues>[1]): boolean =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, insideRecord: boolean, seen: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (maxAge === 0) return;
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const atRoot = parent === root;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        // Introspection (`__schema`, `__type`) and anything unknown: as Apollo, a root or object field without a hint.
        if (field === undefined) {
          maxAge = 0;
          continue;
        }
        const type: GraphQLNamedType = getNamedType(field.type);
        if (atRoot && name === '_entities') {
          const args = getArgumentValues(field, selection, variables);
          const records = allCallRecords(args['representations']);
          if (!records) maxAge = 0;
          else maxAge = Math.min(maxAge, CALL_RECORD_MAX_AGE);
          if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, records, seen);
          continue;
        }
        if (isCompositeType(type)) {
          const record = insideRecord || type.name === RECORD;
          maxAge = record ? Math.min(maxAge, CALL_RECORD_MAX_AGE) : 0;
          if (selection.selectionSet) walk(selection.selectionSet, type, record, seen);
        } else if (atRoot) {
          maxAge = 0;
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (on && isCompositeType(on)) walk(selection.selectionSet, on, insideRecord || on.name === RECORD, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Validation refuses fragment cycles; `seen` keeps this walk finite regardless.
        if (fragment === undefined || seen.has(name)) continue;
        const on = schema.getType(fragment.typeCondition.name.value);
        if (on && isCompositeType(on)) walk(fragment.selectionSet, on, insideRecord || on.name === RECORD, new Set([...seen, name]));
      }
    }
  };
  walk(operation.selectionSet, root, false, new Set());
  return Number.isFinite(maxAge) ? maxAge : 0;
}

function allCallRecords(representations: unknown): boolean {
  return (
    Array.isArray(representations) &&
    representations.length > 0 &&
    representations.every((r) => (r as { __typename?: unknown })?.__typename === RECORD)
  );
}
