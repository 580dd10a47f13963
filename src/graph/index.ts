/**
 * The Graph client as the rest of the gateway sees it: create it, send requests, follow links, and tell its
 * failures apart. Outside `src/graph`, only this module, the wire types (types.ts, the codegen mappers) and the
 * OData query builders (odata.ts) are imported.
 */
export type { BudgetSource, BudgetTelemetry } from './budget/budget.js';
export type { SharedBudgetStore, ScopedCharge } from './budget/store.js';
export { createGraphClient, type GraphClient, type GraphClientDeps, type GraphReadiness, type InstrumentedGraphClient } from './client.js';
export { GraphConfigError, resolveGraphConfig, type GraphApiVersion, type GraphClientConfig, type GraphCredential } from './config.js';
export {
  GraphBudgetExhaustedError,
  GraphCircuitOpenError,
  GraphError,
  GraphHostRefusedError,
  GraphOutcomeUnknownError,
  GraphTransportError,
} from './errors.js';
export { TokenAcquisitionError, type TokenProvider } from './auth/msal.js';
export type { CircuitState } from './handlers/breaker.js';
export { routeOf } from './handlers/telemetry.js';
export { GRAPH_LIMITS, NATIONAL_CLOUDS, integerProblem, type GraphLimitName, type GraphLimits, type NationalCloud } from './settings.js';
export type {
  Clock,
  GraphClientStats,
  GraphLogger,
  GraphMethod,
  GraphRequest,
  GraphRequestEvent,
  GraphRequestOptions,
  GraphResponse,
  GraphTelemetry,
} from './request.js';
