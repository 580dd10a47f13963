import { toCreateCallBody } from '../calls/createCallRequest.js';
import type { MutationResolvers } from '../generated/graphql.js';
import type { GraphCall } from '../graph/types.js';
import { toGatewayError } from '../upstreamErrors.js';

export const Mutation: MutationResolvers = {
  async createCall(_root, { input }, { graph, deadline, logger }) {
    const body = toCreateCallBody(input);
    try {
      // Not idempotent: the client retries it only on 429, when Graph has certainly not acted.
      const response = await graph.request<GraphCall>({ method: 'POST', path: '/communications/calls', body }, { deadline, idempotent: false });
      logger.info({ callId: response.body.id, clientRequestId: response.clientRequestId, graphRequestId: response.requestId }, 'call created');
      return response.body;
    } catch (error) {
      const gatewayError = toGatewayError(error, { userSuppliedBody: true });
      logger.warn({ code: gatewayError.code, ...gatewayError.extensions }, 'createCall failed');
      throw gatewayError;
    }
  },
};
