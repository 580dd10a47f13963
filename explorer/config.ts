/** What the gateway tells the page (src/explorer/page.ts writes it as a JSON data block, which CSP does not run). */
export interface ExplorerConfig {
  /** One tab per example operation of the README, in its order. */
  tabs: Array<{ query: string; variables?: string }>;
  /** The headers editor's starting text: a placeholder for the caller token with AUTH_MODE=jwt, else empty. */
  headers: string;
}

export function readConfig(): ExplorerConfig {
  const block = document.getElementById('explorer-config');
  if (!block?.textContent) throw new Error('the page has no #explorer-config block');
  return JSON.parse(block.textContent) as ExplorerConfig;
}
