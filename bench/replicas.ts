/**
 * `npm run bench -- --only replicas`: three gateway processes in front of one simulator at Graph's real limit for
 * listing call records (40 per 20 s per app and tenant), 20 ms upstream latency, loaded with list operations by
 * three clients per replica (a client pauses 250 ms after a THROTTLED answer). Run twice: replicas alone (no
 * REDIS_URL, each budgets for the whole limit) and sharing the budget through one redis-server. The 429s are the
 * simulator's own count. Prints a table and, unless --no-write, writes bench/RESULTS-replicas.md.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator } from '@comms-graphql/simulator';
import { startGatewayProcess, type GatewayProcess } from '../test/helpers/gatewayProcess.js';
import { startRedis } from '../test/helpers/redis.js';

const LIST = `{ callRecords(first: 5) { nodes { id } } }`;
const CLIENTS_PER_REPLICA = 3;

export interface ReplicasRow {
  mode: string;
  seconds: number;
  answered: number;
  throttled: number;
  otherErrors: number;
  simulator429s: number;
  graphListOk: number;
}

async function drive(
  replicas: readonly GatewayProcess[],
  seconds: number,
): Promise<Omit<ReplicasRow, 'mode' | 'simulator429s' | 'graphListOk'>> {
  const row = { seconds, answered: 0, throttled: 0, otherErrors: 0 };
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    replicas.flatMap((replica) =>
      Array.from({ length: CLIENTS_PER_REPLICA }, async () => {
        while (Date.now() < end) {
          const answer = await replica.query(LIST);
          const code = answer.errors?.[0]?.extensions?.['code'];
          if (!answer.errors) row.answered += 1;
          else if (code === 'THROTTLED') {
            row.throttled += 1;
            await new Promise((resolve) => setTimeout(resolve, 250));
          } else row.otherErrors += 1;
        }
      }),
    ),
  );
  return row;
}

function count429s(simulator: RunningSimulator): number {
  const { graph, batchItems } = simulator.control.stats();
  return [...Object.values(graph), ...Object.values(batchItems)].reduce((sum, byStatus) => sum + (byStatus['429'] ?? 0), 0);
}

export async function benchReplicas(options: {
  seconds: number;
  write: boolean;
  log: (...parts: unknown[]) => void;
}): Promise<ReplicasRow[]> {
  const simulator = await startSimulator({ callRecordCount: 60, fixedLatencyMs: 20 });
  const redis = await startRedis();
  const rows: ReplicasRow[] = [];
  try {
    for (const [mode, env] of [
      ['alone (no REDIS_URL)', {}],
      ['shared budget (REDIS_URL)', { REDIS_URL: redis.url, GRAPH_BUDGET_LOCAL_SHARE_PERCENT: '33' }],
    ] as const) {
      simulator.control.reset();
      options.log(`replicas: three gateway processes, ${mode}, ${options.seconds} s`);
      const replicas = await Promise.all([0, 1, 2].map(() => startGatewayProcess(simulator, { OPERATION_TIMEOUT_MS: '5000', ...env })));
      try {
        const driven = await drive(replicas, options.seconds);
        rows.push({
          mode,
          ...driven,
          simulator429s: count429s(simulator),
          graphListOk: simulator.control.stats().graph['callRecords.list']?.['200'] ?? 0,
        });
      } finally {
        await Promise.all(replicas.map((r) => r.stop()));
      }
    }
  } finally {
    await redis.stop();
    await simulator.stop();
  }
  const table = [
    '| replicas | seconds | answered | THROTTLED (typed, unsent or after 429) | other errors | 429s at the simulator | list requests Graph answered 200 |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.mode} | ${r.seconds} | ${r.answered} | ${r.throttled} | ${r.otherErrors} | ${r.simulator429s} | ${r.graphListOk} |`,
    ),
  ].join('\n');
  console.log(`\n${table}\n`);
  if (options.write) {
    const path = fileURLToPath(new URL('./RESULTS-replicas.md', import.meta.url));
    writeFileSync(
      path,
      `# Three replicas, one Graph budget\n\n\`npm run bench -- --only replicas\` on ${new Date().toISOString()}: three gateway processes, one simulator at Graph's real list limit (40 per 20 s), 20 ms latency, ${CLIENTS_PER_REPLICA} clients per replica listing call records.\n\n${table}\n`,
    );
    options.log(`wrote ${path}`);
  }
  return rows;
}
