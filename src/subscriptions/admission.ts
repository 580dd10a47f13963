/**
 * What Apollo's request pipeline does for an HTTP operation, done again for one arriving over graphql-ws, whose
 * operations bypass Apollo's plugins: parse with the token limit, validate with the same rules (graphql's own
 * and graphql-armor's depth, alias and directive limits), the variables-aware cost limit, and authorization of
 * every root field. Only subscriptions are admitted: queries and mutations belong on HTTP, where the
 * whole pipeline (and its log line) runs.
 */
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { permissionRefusal, type Caller } from '../auth/index.js';
import type { JwtAuthSettings } from '../config/security.js';
import { costRefusal } from '../plugins/costLimit.js';
import { operationRefused } from '../plugins/refusal.js';

export interface AdmissionRules {
  schema: GraphQLSchema;
  /** graphql-armor's rules, as the HTTP path uses them. */
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  maxCost: number;
  paging: { defaultFirst: number; maxFirst: number };
  /** Role and scope names, for the FORBIDDEN message; undefined when authentication is off. */
  grants: JwtAuthSettings['permissions'] | undefined;
}

export interface SubscribeMessage {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export type Admission =
  | { admitted: true; document: DocumentNode; operation: OperationDefinitionNode; variables: Record<string, unknown> }
  | { admitted: false; errors: readonly GraphQLError[] };

export function admitSubscription(rules: AdmissionRules, message: SubscribeMessage, caller: Caller): Admission {
  const refuse = (...errors: GraphQLError[]): Admission => ({ admitted: false, errors });
  if (typeof message.query !== 'string' || message.query.length === 0) {
    return refuse(new GraphQLError('A subscribe message needs a query string.', { extensions: { code: 'BAD_REQUEST' } }));
  }
  if (
    message.variables !== undefined &&
    message.variables !== null &&
    (typeof message.variables !== 'object' || Array.isArray(message.variables))
  ) {
    return refuse(new GraphQLError('Variables must be a JSON object.', { extensions: { code: 'BAD_REQUEST' } }));
  }
  let document: DocumentNode;
  try {
    document = parse(message.query, { maxTokens: rules.maxTokens });
  } catch (error) {
    const text = error instanceof GraphQLError ? error.message : 'the document could not be parsed';
    return refuse(new GraphQLError(text, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }));
  }
  let invalid: readonly GraphQLError[];
  try {
    invalid = validate(rules.schema, document, [...specifiedRules, ...rules.validationRules]);
  } catch (error) {
    // graphql-armor's rules throw their refusal instead of reporting it.
    invalid = [error instanceof GraphQLError ? error : new GraphQLError('The document failed validation.')];
  }
  if (invalid.length > 0) {
    return refuse(
      ...invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
    );
  }
  const operation = getOperationAST(document, message.operationName ?? undefined);
  if (!operation) {
    return refuse(
      new GraphQLError('Name the operation to run: the document holds several, or none by that name.', {
        extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
      }),
    );
  }
  if (operation.operation !== 'subscription') {
    return refuse(operationRefused(`Only subscriptions run over WebSocket; send this ${operation.operation} over HTTP (POST /graphql).`));
  }
  const variables = message.variables ?? {};
  // As Apollo does on HTTP: a variable of the wrong type is the caller's BAD_USER_INPUT, before anything runs.
  const coerced = getVariableValues(rules.schema, operation.variableDefinitions ?? [], variables, { maxErrors: 10 });
  if (coerced.errors) {
    return refuse(...coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } })));
  }
  const tooCostly = costRefusal(rules.schema, document, operation, variables, { maxCost: rules.maxCost, paging: rules.paging });
  if (tooCostly) return refuse(tooCostly);
  const forbidden = permissionRefusal(document, operation, variables, caller, rules.grants);
  if (forbidden) return refuse(forbidden);
  return { admitted: true, document, operation, variables };
}
