/**
 * The `$batch` transport alone: CPU per call of `enqueue` with S2's shape (100 GETs of distinct calls, one operation's
 * deadline), its `send` answering at once with a `$batch` answer of 200s. No HTTP, no Graph: what the transport itself
 * costs per item (slots, coalescing, the `$batch` body, splitting the answer). Run it compiled, as the gateway ships:
 * `npm run -s build -w @comms-graphql/simulator && npx tsc -p tsconfig.bench.json && node dist/bench/transport.js`
 * (under tsx every closure is also named at run time; bench/RESULTS.md item 27).
 */
import { BatchTransport } from '../src/graph/batch.js';
import { systemClock } from '../src/graph/clock.js';
import { emptyStats, type GraphRequest, type GraphResponse } from '../src/graph/request.js';

const ITEMS = Number(process.env.ITEMS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 5_000);

/** Answers a `$batch` POST at once: every item 200 with a small body, as Graph would for a call by id. */
async function answer(req: GraphRequest): Promise<GraphResponse> {
  const { requests } = req.body as { requests: Array<{ id: string; url: string }> };
  const responses = requests.map((item) => ({
    id: item.id,
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: { id: item.url, state: 'established' },
  }));
  return { status: 200, headers: new Headers(), body: { responses }, clientRequestId: 'bench', requestId: 'bench' };
}

const transport = new BatchTransport(
  answer,
  { maxItems: 20, windowMs: 0, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
  systemClock,
  emptyStats(),
);
const requests: GraphRequest[] = Array.from({ length: ITEMS }, (_, i) => ({
  method: 'GET',
  path: `/communications/calls/${i.toString(16).padStart(8, '0')}?$select=id,state,direction,subject,source,targets`,
}));

const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
for (const round of ['warm-up', 'measured', 'measured again']) {
  const start = cpuUs();
  for (let i = 0; i < ROUNDS; i++) {
    const answers = await transport.enqueue(requests, { deadline: Date.now() + 20_000 });
    if (answers.some((a) => a instanceof Error)) throw new Error(`an item failed: ${String(answers.find((a) => a instanceof Error))}`);
  }
  console.log(`${round}: ${((cpuUs() - start) / 1000 / ROUNDS).toFixed(3)} ms CPU per enqueue of ${ITEMS} items (${ROUNDS} rounds)`);
}
transport.close();
