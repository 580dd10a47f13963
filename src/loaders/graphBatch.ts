import type { GatewayError } from '../errors/index.js';
import type { OperationGraph } from '../upstream/operationGraph.js';

/**
 * Runs one GET per distinct path through the operation's Graph view (the client's `$batch` transport packs
 * them 20 to a request and coalesces concurrent operations) and returns each body, or a GatewayError, by path.
 */
export async function batchGet<T>(graph: OperationGraph, paths: readonly string[]): Promise<Map<string, T | GatewayError>> {
  const unique = [...new Set(paths)];
  const results = await graph.batchGet<T>(unique);
  return new Map(unique.map((path, i) => [path, results[i] as T | GatewayError]));
}

/** Encodes an id as one path segment; ids were validated before they got here. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
