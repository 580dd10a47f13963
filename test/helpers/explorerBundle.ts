/**
 * Vitest global setup: builds the explorer bundle (dist/explorer/) from the current sources once per run, before any
 * test file starts a gateway, so `npm ci && npm test` needs no `npm run build` and never tests a stale bundle.
 */
import { buildExplorer } from '../../scripts/build-explorer.js';

export async function setup(): Promise<void> {
  await buildExplorer();
}
