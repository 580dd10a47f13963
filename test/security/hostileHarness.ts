/**
 * What every hostile-input file shares: a gateway (AUTH_MODE=jwt) on the simulator, a raw HTTP client on
 * node:http (so undici's diagnostics carry only the gateway's own outbound connections), a record of
 * every outbound connection, and the checks that end each file: the gateway still answers, every
 * `$filter` the simulator saw is one of the allowed forms, and no connection went anywhere but Graph.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import http from 'node:http';
import { startStack, type Stack } from '../helpers/stack.js';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json?: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface HostileStack {
  stack: Stack;
  /** `Bearer <a valid token of the caller app>`. */
  bearer: string;
  send(request: RawRequest): Promise<RawAnswer>;
  /** POSTs an operation as JSON with the valid token. */
  op(query: string, variables?: Record<string, unknown>, authorization?: string): Promise<RawAnswer>;
  /** `host:port` of every connection the process opened through undici, and of every net socket. */
  connections: { undici: string[]; net: string[] };
  /** Participant ids sent, so a logged filter literal can be traced back to one of them. */
  participantIds: Set<string>;
  stop(): Promise<void>;
}

export async function startHostileStack(): Promise<HostileStack> {
  const connections = { undici: [] as string[], net: [] as string[] };
  const onUndici = (message: unknown) => {
    const params = (message as { connectParams?: { hostname?: string; host?: string; port?: string | number; protocol?: string } })
      .connectParams;
    if (params) connections.undici.push(`${params.hostname ?? params.host}:${params.port}`);
  };
  const onNet = (message: unknown) => {
    const socket = (message as { socket?: { once(event: string, f: () => void): void; remoteAddress?: string; remotePort?: number } })
      .socket;
    socket?.once('connect', () => connections.net.push(`${socket.remoteAddress}:${socket.remotePort}`));
  };
  subscribe('undici:client:beforeConnect', onUndici);
  subscribe('net.client.socket', onNet);

  const stack = await startStack({ callerApp: 'caller', simulator: { callRecordCount: 60, logCapacity: 100_000 } });
  const bearer = `Bearer ${await stack.simulator.control.mintToken({ app: 'caller' })}`;
  const { port } = stack.gateway;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  const send = (request: RawRequest): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const body = request.body;
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: request.method ?? 'POST',
          path: request.path ?? '/graphql',
          headers: {
            ...(body !== undefined && request.headers?.['transfer-encoding'] === undefined
              ? { 'content-length': String(Buffer.byteLength(body)) }
              : {}),
            ...request.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: RawAnswer['json'];
            try {
              json = JSON.parse(text) as RawAnswer['json'];
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, ...(json !== undefined ? { json } : {}) });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  return {
    stack,
    bearer,
    send,
    op: (query, variables, authorization = bearer) =>
      send({
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      }),
    connections,
    participantIds: new Set(),
    async stop() {
      agent.destroy();
      await stack.stop();
      unsubscribe('undici:client:beforeConnect', onUndici);
      unsubscribe('net.client.socket', onNet);
    },
  };
}

export function codeOf(answer: RawAnswer): unknown {
  return answer.json?.errors?.[0]?.extensions?.['code'];
}

const INSTANT = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z`;
const RANGE = String.raw`startDateTime (?:gt|ge|lt|le) ${INSTANT}`;
const PARTICIPANT = String.raw`participants_v2/any\(p:p/id eq '((?:[^']|'')*)'\)`;
const CLAUSE = new RegExp(`^(?:${RANGE}|${PARTICIPANT})$`);

/**
 * Checks a `$filter` the simulator received: `and`-joined clauses, each a startDateTime comparison with an
 * instant or a participant test whose literal, unescaped, is one of the ids a test sent. Returns a problem
 * or undefined.
 */
export function filterProblem(filter: string, sent: ReadonlySet<string>): string | undefined {
  // Split on ' and ' outside string literals.
  const clauses: string[] = [];
  let current = '';
  let inString = false;
  for (let i = 0; i < filter.length; i += 1) {
    const ch = filter[i]!;
    if (ch === "'") inString = !inString;
    if (!inString && filter.startsWith(' and ', i)) {
      clauses.push(current);
      current = '';
      i += 4;
      continue;
    }
    current += ch;
  }
  clauses.push(current);
  for (const clause of clauses) {
    const match = CLAUSE.exec(clause);
    if (!match) return `not an allowed clause: ${clause.slice(0, 120)}`;
    const literal = match[1];
    if (literal !== undefined && !sent.has(literal.replaceAll("''", "'")))
      return `a participant literal nobody sent: ${literal.slice(0, 120)}`;
  }
  return undefined;
}

/** The checks that end every hostile file, as `it` bodies. */
export function closingChecks(h: () => HostileStack) {
  return {
    async stillServes() {
      const answer = await h().op('{ callRecords(first: 1) { nodes { id } } }');
      if (answer.status !== 200 || answer.json?.errors)
        throw new Error(`health query failed: ${answer.status} ${answer.text.slice(0, 200)}`);
      const health = await h().send({ method: 'GET', path: '/healthz' });
      if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
    },
    filtersProblems(): string[] {
      const problems: string[] = [];
      for (const entry of h().stack.simulator.control.log()) {
        const query = entry.path.split('?')[1];
        const filter = query === undefined ? null : new URLSearchParams(query).get('$filter');
        if (filter !== null) {
          const problem = filterProblem(filter, h().participantIds);
          if (problem) problems.push(problem);
        }
      }
      return problems;
    },
    foreignConnections(): { undici: string[]; net: string[]; graphConnections: number } {
      const { simulator, gateway } = h().stack;
      const graph = new URL(simulator.origin).host;
      const gatewayHost = `127.0.0.1:${gateway.port}`;
      const undici = h().connections.undici;
      return {
        undici: undici.filter((target) => target !== graph),
        // net sockets: the gateway's to Graph, and this test's own to the gateway.
        net: h().connections.net.filter((target) => target !== graph && target !== gatewayHost),
        graphConnections: undici.filter((target) => target === graph).length,
      };
    },
  };
}
