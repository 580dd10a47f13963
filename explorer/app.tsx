/**
 * GraphiQL against this gateway, from its own origin: queries and mutations over HTTP POST to the page's URL,
 * subscriptions over graphql-ws on the same path (ws:// or wss://, as the page came). Nothing here names another
 * host, so the page works without internet and its CSP can stay at 'self'.
 */
import './workers.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { readConfig } from './config.js';

const config = readConfig();
const endpoint = new URL(window.location.pathname, window.location.origin);
const subscriptions = new URL(endpoint);
subscriptions.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

// The headers editor's JSON goes on every HTTP request and, for subscriptions, into graphql-ws's connection_init
// payload (browsers cannot set headers on a WebSocket); the gateway reads `authorization` from either.
const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: subscriptions.href });
const plugins = [HISTORY_PLUGIN, explorerPlugin()];

const root = document.getElementById('graphiql');
if (!root) throw new Error('the page has no #graphiql element');
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={config.tabs.map((tab) => ({ ...tab, headers: config.headers }))}
      defaultHeaders={config.headers}
      defaultEditorToolsVisibility={config.headers ? 'headers' : false}
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
