/**
 * Operation limits, checked before anything runs: graphql-armor's depth, alias and directive rules
 * (validation rules, so a refusal is GRAPHQL_VALIDATION_FAILED with HTTP 400), the document's token
 * count (graphql's own parser limit: GRAPHQL_PARSE_FAILED, 400), and a variables-aware cost limit.
 * armor's cost rule (blind to variables), its token plugin (it throws outside Apollo's parse error
 * handling) and its field-suggestion mask (Apollo's `hideSchemaDetailsFromClientErrors` does it) are off.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import type { OperationLimits } from '../config/security.js';
import { costLimitPlugin } from './costLimit.js';

export interface OperationLimitsSetup<TContext extends object> {
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  plugins: Array<ApolloServerPlugin<TContext>>;
}

export function operationLimits<TContext extends object>(
  limits: OperationLimits,
  paging: { defaultFirst: number; maxFirst: number },
): OperationLimitsSetup<TContext> {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    // allowList: [] so that `__typename` aliases count too (armor exempts them by default: 200 passed a limit of 50).
    maxAliases: { n: limits.maxAliases, allowList: [] },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [costLimitPlugin<TContext>({ maxCost: limits.maxCost, paging })],
  };
}
