/**
 * Response cache hints, set where they are honest. A call record is written once a call has ended and changes only
 * when Graph revises it (its `version` grows), so a record, and everything inside it, may be reused for a few
 * minutes, by the caller alone (`PRIVATE`: it names people, and who may read it depends on the caller). Calls are
 * live state and lists of records grow: both stay uncacheable (Apollo's default max-age 0 for root and object
 * fields). A router's `_entities` fetch is cacheable only when every representation is a call record.
 *
 * Hints are set at run time, not with `@cacheControl` in the SDL, so the published subgraph needs no extra
 * directive and enum (and the enum would need Graph's UNKNOWN_FUTURE_VALUE convention).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getNamedType, isCompositeType, type GraphQLResolveInfo } from 'graphql';

/** How long a call record may be reused, in seconds. */
export const CALL_RECORD_MAX_AGE = 300;

const RECORD_HINT = { maxAge: CALL_RECORD_MAX_AGE, scope: 'PRIVATE' } as const;

/** What Apollo's cache-control plugin adds to `info` (typed here rather than importing @apollo/cache-control-types). */
type CacheControlInfo = GraphQLResolveInfo & {
  cacheControl?: { setCacheHint(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };
};

export function cacheHintsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ info, args }) {
              const cacheControl = (info as CacheControlInfo).cacheControl;
              if (cacheControl === undefined) return;
              if (info.fieldName === '_entities' && info.parentType.name === info.schema.getQueryType()?.name) {
                cacheControl.setCacheHint(allCallRecords(args) ? RECORD_HINT : { maxAge: 0 });
              } else if (
                isCompositeType(getNamedType(info.returnType)) &&
                (getNamedType(info.returnType).name === 'CallRecord' || insideCallRecord(info))
              ) {
                cacheControl.setCacheHint(RECORD_HINT);
              }
            },
          };
        },
      };
    },
  };
}

function allCallRecords(args: unknown): boolean {
  const representations = (args as { representations?: unknown }).representations;
  return (
    Array.isArray(representations) &&
    representations.length > 0 &&
    representations.every((r) => (r as { __typename?: unknown })?.__typename === 'CallRecord')
  );
}

/** True when the field's parent, or any object above it in the path, is a CallRecord (`typename` is a key's parent type). */
function insideCallRecord(info: GraphQLResolveInfo): boolean {
  for (let path: GraphQLResolveInfo['path'] | undefined = info.path; path !== undefined; path = path.prev)
    if (path.typename === 'CallRecord') return true;
  return false;
}
