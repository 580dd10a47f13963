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
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
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
const toGateway = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: subscriptions.href });

/**
 * GraphiQL's fetcher picks WebSocket by the document and operation name GraphiQL last parsed from the editor, which
 * lags a tab switch: run at once, a subscription went out as an HTTP POST. Each run is routed by its own text
 * instead: parsed here, and with no (or a stale) operation name, the document's only operation.
 */
const fetcher: Fetcher = (params, options) => {
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return toGateway(params, options); // the gateway answers the syntax error
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const named = operations.some((o) => o.name?.value === params.operationName);
  const only = operations.length === 1 ? operations[0] : undefined;
  const operationName = named || only === undefined ? params.operationName : (only.name?.value ?? null);
  return toGateway({ ...params, operationName }, { ...options, documentAST: document });
};
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
