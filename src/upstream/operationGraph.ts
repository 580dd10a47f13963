import { GatewayError, GatewayErrorCode, toGatewayError } from '../errors/index.js';
import type { GraphClient, GraphRequest, GraphResponse } from '../graph/index.js';

/** The Graph requests one operation asked for, for its log line. */
export interface UpstreamCount {
  /** Plain requests and followed links, each counted once whatever its retries. */
  requests: number;
  /** GETs sent through the `$batch` transport, each counted once; they share `$batch` requests, also with other operations. */
  batchItems: number;
}

/** One page of a Graph collection. */
export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** A page as `pages` yields it: where it came from and the relative path of the next one (host-checked), if any. */
export interface FollowedPage<T> {
  path: string;
  body: GraphPage<T>;
  nextPath: string | null;
}

/**
 * Pages of one chain of `@odata.nextLink`s followed in one operation, at most. Graph's collections here are
 * small (a call's sessions, a page of records); a longer chain is a runaway, not data to wait for.
 */
export const MAX_LINKED_PAGES = 50;

/**
 * The door between resolvers, loaders and paging on one side and the shared Graph client on the other. It
 * binds the operation's deadline to every request, counts requests for the operation's log line, and turns
 * every failure into a GatewayError (toGatewayError is called here and in src/errors/ only), so callers
 * need no try/catch of their own.
 */
export interface OperationGraph {
  /**
   * One request. `userSuppliedBody` says the body came from the caller's input, so Graph's 400 is the
   * caller's BAD_USER_INPUT; a request with a body is not idempotent unless said otherwise.
   */
  request<T>(
    req: GraphRequest,
    options?: { idempotent?: boolean; userSuppliedBody?: boolean; parseJson?: (text: string) => unknown },
  ): Promise<GraphResponse<T>>;
  /** GETs through the shared `$batch` transport: each slot holds the answer's body or a GatewayError, in input order. */
  batchGet<T>(paths: readonly string[]): Promise<Array<T | GatewayError>>;
  /**
   * Follows a chain of pages from `path` through each `@odata.nextLink` (host-checked), yielding each page;
   * it stops after MAX_LINKED_PAGES, leaving the last page's `nextPath` for the caller to judge.
   */
  pages<T>(path: string, headers?: Readonly<Record<string, string>>): AsyncGenerator<FollowedPage<T>, void, undefined>;
  /** Every item of a chain of pages, from `path` to the end; a chain longer than MAX_LINKED_PAGES fails. */
  collect<T>(path: string): Promise<T[]>;
  /** An absolute Graph link (`sessions@odata.nextLink`, ...) as a relative path; a foreign host is refused. */
  toRelative(absoluteUrl: string): string;
  /** What this operation has asked of Graph so far. */
  readonly count: UpstreamCount;
}

/** `caller` (a caller key) lets the Graph budget take turns between callers when Graph's limits are near. */
export function createOperationGraph(client: GraphClient, deadline: number, caller?: string): OperationGraph {
  const who = caller === undefined ? {} : { caller };
  const count: UpstreamCount = { requests: 0, batchItems: 0 };

  const request: OperationGraph['request'] = async (req, options = {}) => {
    count.requests += 1;
    const idempotent = options.idempotent ?? (req.method === 'GET' || req.method === 'DELETE');
    try {
      return await client.request(req, { deadline, idempotent, ...who, ...(options.parseJson ? { parseJson: options.parseJson } : {}) });
    } catch (error) {
      throw toGatewayError(error, { userSuppliedBody: options.userSuppliedBody === true });
    }
  };

  const toRelative = (absoluteUrl: string): string => {
    try {
      return client.toRelative(absoluteUrl);
    } catch (error) {
      throw toGatewayError(error);
    }
  };

  async function* pages<T>(path: string, headers?: Readonly<Record<string, string>>): AsyncGenerator<FollowedPage<T>, void, undefined> {
    let next: string | null = path;
    for (let followed = 0; next !== null && followed < MAX_LINKED_PAGES; followed++) {
      const current: string = next;
      const { body } = await request<GraphPage<T>>({ method: 'GET', path: current, ...(headers ? { headers } : {}) });
      const link = body?.['@odata.nextLink'];
      next = typeof link === 'string' ? toRelative(link) : null;
      yield { path: current, body: body ?? {}, nextPath: next };
    }
  }

  return {
    request,
    async batchGet<T>(paths: readonly string[]) {
      count.batchItems += paths.length;
      const results = await client.batch<T>(
        paths.map((path) => ({ method: 'GET' as const, path })),
        { deadline, ...who },
      );
      return paths.map((_path, i) => {
        const result = results[i];
        if (result === undefined)
          return toGatewayError(new Error(`the $batch transport answered ${results.length} of ${paths.length} items`));
        return result instanceof Error ? toGatewayError(result) : result.body;
      });
    },
    pages,
    async collect<T>(path: string) {
      const items: T[] = [];
      let last: FollowedPage<T> | undefined;
      for await (const page of pages<T>(path)) {
        items.push(...(Array.isArray(page.body.value) ? page.body.value : []));
        last = page;
      }
      if (last?.nextPath) {
        throw new GatewayError(
          GatewayErrorCode.UpstreamUnavailable,
          `Graph's collection at ${path.split('?')[0] ?? ''} runs past ${MAX_LINKED_PAGES} pages; the gateway stops there rather than answer part of it.`,
        );
      }
      return items;
    },
    toRelative,
    count,
  };
}
