/**
 * `npx tsx --conditions=comms-graphql-source bench/executors.ts`: the two executors alone, in one process, on the
 * gateway's schema with the in-memory baseline's resolvers (no I/O): CPU per execution of the bench's page
 * operations with graphql-js and with graphql-jit (GRAPHQL_EXECUTOR), after a warm-up. Parsing, validation and
 * Apollo's pipeline are left out: this isolates what the executor setting changes. Set NODE_ENV=production.
 */
import { parse, type OperationTypeNode } from 'graphql';
import { startSimulator } from '@comms-graphql/simulator';
import { createExecutor, type ExecutorKind } from '../src/execution/executor.js';
import { createLogger } from '../src/observability/logger.js';
import { buildGatewaySchema } from '../src/schema/index.js';
import type { GraphCallRecord } from '../src/graph/types.js';
import { memoryResolvers, type MemoryData } from './baselines/memory.js';
import { createRestClient } from './baselines/rest.js';
import { PAGE_60_QUERY, PEER_PAGE_QUERY } from './scenarios.js';

const ITERATIONS = Number(process.env.ITERATIONS ?? 1_000);
const simulator = await startSimulator({ callRecordCount: 200, now: '2026-11-20T00:00:00Z' });
const rest = createRestClient({
  graphBaseUrl: simulator.graphBaseUrl,
  caCertificate: simulator.caCertificate,
  token: await simulator.control.mintToken({ app: 'default' }),
});
// One request at a time: the simulator shares this process and its event loop.
const page = await rest.get<{ value?: GraphCallRecord[] }>('/communications/callRecords');
const records: GraphCallRecord[] = [];
for (const record of (page.value ?? []).slice(0, 60)) {
  const path = `/communications/callRecords/${encodeURIComponent(String(record.id))}`;
  const sessions = await rest.getAll(`${path}/sessions?$expand=segments`);
  const participants = await rest.getAll(`${path}/participants_v2`);
  records.push({ ...(await rest.get<GraphCallRecord>(path)), sessions, participants_v2: participants } as GraphCallRecord);
}
const data: MemoryData = { records, calls: new Map() };
await rest.close();
await simulator.stop();
const schema = buildGatewaySchema(memoryResolvers(data));
const logger = createLogger('silent');
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

for (const [name, query] of [
  ['S6 page of 60, 3 fields', PEER_PAGE_QUERY],
  ['S1 page of 60 with sessions', PAGE_60_QUERY],
] as const) {
  const document = parse(query);
  const operationType = (document.definitions[0] as { operation: OperationTypeNode }).operation;
  const results: string[] = [];
  for (const kind of ['graphql-js', 'jit'] satisfies ExecutorKind[]) {
    const execute = createExecutor(schema, kind, logger);
    const request = { document, queryHash: name, operationName: undefined, variables: {}, contextValue: {}, operationType };
    for (let i = 0; i < ITERATIONS / 5; i++) await execute(request);
    const started = cpuMs();
    for (let i = 0; i < ITERATIONS; i++) await execute(request);
    results.push(`${kind} ${((cpuMs() - started) / ITERATIONS).toFixed(3)} ms`);
  }
  console.log(`${name}: CPU per execution, ${ITERATIONS} executions: ${results.join(', ')}`);
}
