import type { GraphRequestOptions, GraphClient, GraphRequest } from '../graph/index.js';

/** The Graph requests one operation asked for. */
export interface UpstreamCount {
  /** Plain requests and followed links, each counted once whatever its retries. */
  requests: number;
  /** GETs sent through the `$batch` transport, each counted once; they share `$batch` requests, also with other operations. */
  batchItems: number;
}

/**
 * The operation's view of the shared Graph client: the same client, counting what this operation asks of it (for
 * its log line). The `$batch` transport still packs and coalesces the items of every operation together.
 */
export function countingGraphClient(graph: GraphClient): { graph: GraphClient; count: UpstreamCount } {
  const count: UpstreamCount = { requests: 0, batchItems: 0 };
  return {
    count,
    graph: {
      request<T>(req: GraphRequest, options?: GraphRequestOptions) {
        count.requests += 1;
        return graph.request<T>(req, options);
      },
      batch<T>(reqs: readonly GraphRequest[], options?: GraphRequestOptions) {
        count.batchItems += reqs.length;
        return graph.batch<T>(reqs, options);
      },
      followLink<T>(url: string, options?: GraphRequestOptions & { headers?: Record<string, string> }) {
        count.requests += 1;
        return graph.followLink<T>(url, options);
      },
      toRelative: (url) => graph.toRelative(url),
      // The client is shared by every operation: only the gateway closes it.
      close: () => Promise.resolve(),
    },
  };
}
