import type { GraphRequestOptions, GraphClient, GraphResponse } from '../graph/index.js';
import { toGatewayError } from '../upstreamErrors.js';

/** A GET whose answer several loader keys may share. */
export interface PlannedGet {
  path: string;
}

/**
 * Runs one GET per distinct path through the client's `$batch` transport (which packs them 20 to a
 * request and coalesces concurrent operations) and returns each body, or a GatewayError, by path.
 */
export async function batchGet<T>(
  graph: GraphClient,
  paths: readonly string[],
  options: GraphRequestOptions,
): Promise<Map<string, T | Error>> {
  const unique = [...new Set(paths)];
  const results = await graph.batch<T>(unique.map((path) => ({ method: 'GET' as const, path })), options);
  const byPath = new Map<string, T | Error>();
  unique.forEach((path, i) => {
    const result = results[i];
    byPath.set(path, result === undefined ? toGatewayError(new Error('missing batch response')) : isError(result) ? toGatewayError(result) : result.body);
  });
  return byPath;
}

function isError<T>(value: GraphResponse<T> | Error): value is Error {
  return value instanceof Error;
}

/** Encodes an id as one path segment; ids were validated before they got here. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
