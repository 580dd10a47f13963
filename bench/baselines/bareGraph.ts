/**
 * The floor for a gateway built this way: the in-memory server (same schema and data, Apollo Server, graphql-js)
 * that also sends, for every operation, the Graph requests the gateway sent for that operation, bare. They were
 * recorded at the gateway's HTTP client and go out in its stages through undici (keep-alive, HTTPS, a bearer token
 * held from the start), and each answer is read and parsed. Nothing else of a gateway runs: no caller-token check, no
 * token acquisition, throttle budget, concurrency cap, timeouts, retries, coalescing, telemetry or cache. The
 * gateway's CPU per operation above this row's is what its own machinery costs; below the in-memory server's target
 * ratio this row cannot go either. Benchmark only.
 */
import type { ApolloServerPlugin } from '@apollo/server';

/** Sends the operation's Graph requests once it is resolved (parsed, validated), before execution. */
export function bareGraphPlugin(sendGraphRequests: () => Promise<unknown>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation() {
          await sendGraphRequests();
        },
      };
    },
  };
}
