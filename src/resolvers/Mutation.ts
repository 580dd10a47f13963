import { toCreateCallBody } from '../calls/createCallRequest.js';
import { GatewayError } from '../errors/index.js';
import type { MutationResolvers } from '../generated/graphql.js';
import type { GraphCall } from '../graph/types.js';

export const Mutation: MutationResolvers = {
  async createCall(_root, { input }, { graph, logger }) {
    const body = toCreateCallBody(input);
    try {
      // Not idempotent: the client retries it only on 429, when Graph has certainly not acted. Graph's 400 is
      // about the caller's input.
      const response = await graph.request<GraphCall>({ method: 'POST', path: '/communications/calls', body }, { userSuppliedBody: true });
      logger.info(
        { callId: response.body.id, clientRequestId: response.clientRequestId, graphRequestId: response.requestId },
        'call created',
      );
      return response.body;
    } catch (error) {
      // A failed placement is worth a log line of its own (with both request ids), whatever the caller does next.
      if (error instanceof GatewayError) logger.warn({ ...error.extensions }, 'createCall failed');
      throw error;
    }
  },
};
