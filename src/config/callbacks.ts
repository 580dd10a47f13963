import type { EnvReader } from './reader.js';

/** Microsoft's OpenID configuration for the keys that sign Graph's calling callbacks (CALLS-LIVE.md 1.5). */
export const GRAPH_CALLBACK_OPENID_CONFIG_URL = 'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration';

/** Where Graph reaches the gateway: the callback endpoint of live calls and how its callers are authenticated. */
export interface CallbackSettings {
  /**
   * The gateway's externally reachable base URL (`PUBLIC_URL`), e.g. `https://comms.contoso.com`; Graph POSTs a
   * call's notifications to `${publicUrl}/callbacks/calls`. Undefined: `http://localhost:<port>` once listening,
   * which only the embedded simulator can reach (Graph demands https).
   */
  publicUrl: string | undefined;
  /**
   * The OpenID configuration whose keys sign callback tokens. Undefined with the embedded simulator: its own.
   * Default with real Graph: Microsoft's (GRAPH_CALLBACK_OPENID_CONFIG_URL).
   */
  openIdConfigUrl: string | undefined;
}

export function readCallbacks(read: EnvReader, graphKind: 'azure' | 'simulator'): CallbackSettings {
  return {
    publicUrl: readPublicUrl(read, graphKind),
    openIdConfigUrl: read.str('GRAPH_CALLBACK_OPENID_CONFIG_URL') ?? (graphKind === 'azure' ? GRAPH_CALLBACK_OPENID_CONFIG_URL : undefined),
  };
}

function readPublicUrl(read: EnvReader, graphKind: 'azure' | 'simulator'): string | undefined {
  const raw = read.str('PUBLIC_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    read.problem(`PUBLIC_URL must be an absolute URL such as https://comms.contoso.com, got "${raw}"`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') read.problem(`PUBLIC_URL must be an http or https URL, got "${raw}"`);
  if (graphKind === 'azure' && url.protocol !== 'https:')
    read.problem(`PUBLIC_URL must be https with real Graph (Graph calls back over https only), got "${raw}"`);
  if (url.search || url.hash || url.username || url.password)
    read.problem(`PUBLIC_URL must not carry a query, fragment or credentials, got "${raw}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
