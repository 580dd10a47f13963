/**
 * A variables-aware cost limit. graphql-armor's cost rule runs during validation, before variables are
 * known, so `callRecords(first: $n)` would cost as if `first` were 1; this plugin runs once the operation
 * is resolved. Each field costs 1 plus its subtree; a field with a `first` argument multiplies that by its
 * page size (the argument, or the gateway's default page size when absent, capped at the maximum page
 * size because larger values are refused anyway), and `_entities` by its number of representations.
 * A paged field is also one Graph list request, so it adds LIST_REQUEST_COST: aliasing many small pages
 * costs what it costs Graph (whose list throttle is 40 requests per 20 s), not only what it returns.
 * A field taking `ids` (`callRecordsByIds`, `callsByIds`) multiplies its subtree by the number of ids: it costs
 * what that many single-id fields cost.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { valueOf } from '../auth/permissions.js';
import { operationRefused } from './refusal.js';

/** What one Graph list request costs, in fields: a full page of a typical selection costs about as much. */
export const LIST_REQUEST_COST = 500;

export interface CostLimitOptions {
  maxCost: number;
  paging: { defaultFirst: number; maxFirst: number };
}

/**
 * Costs already computed, by operation node (Apollo reuses the parsed document of a known query): only for
 * operations whose cost reads no variable, and only under the same paging settings.
 */
const knownCosts = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; paging: CostLimitOptions['paging']; cost: number }>();

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  paging: CostLimitOptions['paging'],
): number {
  const known = knownCosts.get(operation);
  if (known && known.schema === schema && known.paging.defaultFirst === paging.defaultFirst && known.paging.maxFirst === paging.maxFirst) {
    return known.cost;
  }
  let readsVariables = false;
  const argumentValue = (field: FieldNode, name: string): unknown => {
    const argument = field.arguments?.find((a) => a.name.value === name);
    if (!argument) return undefined;
    if (hasVariable(argument.value)) readsVariables = true;
    return valueOf(argument.value, variables);
  };
  const cost = walkCost(schema, document, operation, paging, argumentValue);
  if (!readsVariables) knownCosts.set(operation, { schema, paging: { ...paging }, cost });
  return cost;
}

function hasVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(hasVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((f) => hasVariable(f.value));
  return false;
}

function walkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  paging: CostLimitOptions['paging'],
  argumentValue: (field: FieldNode, name: string) => unknown,
): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const pageSize = (field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
    if (field.name.value === '_entities') {
      const representations = argumentValue(field, 'representations');
      return Array.isArray(representations) ? Math.max(1, representations.length) : 1;
    }
    if (definition?.args.some((a) => a.name === 'ids')) {
      const ids = argumentValue(field, 'ids');
      return Array.isArray(ids) ? Math.max(1, ids.length) : 1;
    }
    if (!definition?.args.some((a) => a.name === 'first')) return 1;
    const value = argumentValue(field, 'first');
    const first = value === undefined || value === null ? paging.defaultFirst : value;
    return typeof first === 'number' && Number.isInteger(first) && first >= 1 ? Math.min(first, paging.maxFirst) : 1;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        const type = definition ? getNamedType(definition.type) : undefined;
        const inner = selection.selectionSet && type && isCompositeType(type) ? walk(selection.selectionSet, type, seen) : 0;
        const paged = definition?.args.some((a) => a.name === 'first') === true;
        cost += (paged ? LIST_REQUEST_COST : 0) + pageSize(selection, definition) * (1 + inner);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += walk(selection.selectionSet, type && isCompositeType(type) ? type : parent, seen);
      } else {
        // Fragment cycles are refused by validation before this runs; `seen` guards anyway.
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        cost += walk(fragment.selectionSet, type && isCompositeType(type) ? type : parent, new Set([...seen, fragment.name.value]));
      }
    }
    return cost;
  };
  return walk(operation.selectionSet, root, new Set());
}

/** The refusal of an operation whose cost exceeds `maxCost` (GRAPHQL_VALIDATION_FAILED, HTTP 400), or undefined. */
export function costRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  options: CostLimitOptions,
): GraphQLError | undefined {
  const cost = operationCost(schema, document, operation, variables, options.paging);
  if (cost <= options.maxCost) return undefined;
  return operationRefused(
    `Operation cost limit of ${options.maxCost} exceeded, found ${cost}: ask for fewer records (first) or fewer fields.`,
  );
}

/** Refuses an operation whose cost exceeds `maxCost`, before it runs (over HTTP; subscriptions/admission.ts over WebSocket). */
export function costLimitPlugin<TContext extends object>(options: CostLimitOptions): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return Promise.resolve();
          const refusal = costRefusal(schema, document, operation, request.variables ?? {}, options);
          if (refusal) throw refusal;
          return Promise.resolve();
        },
      });
    },
  };
}
