import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import type { Logger } from '../observability/logger.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { requestError, sendJson } from './respond.js';

export interface GraphQLHandlerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the operation's context; may throw a GraphQLError (e.g. an authentication failure). */
  context: (request: { req: http.IncomingMessage; requestId: string }) => Promise<TContext>;
  /** Request bodies above this are refused with 413 before they are parsed. */
  maxBodyBytes: number;
  logger: Logger;
}

/** Serves `/graphql` on node:http: reads and parses the body, hands the request to Apollo Server, writes the answer. */
export function createGraphQLHandler<TContext extends BaseContext>(options: GraphQLHandlerOptions<TContext>) {
  const { apollo, maxBodyBytes, logger } = options;
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const requestId = acceptedRequestId(req.headers['x-request-id']) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    readBody(req, maxBodyBytes)
      .then(async (raw) => {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        let body: unknown;
        if (req.method === 'POST') {
          const type = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
          if (type !== 'application/json' && type !== 'application/graphql-response+json') {
            return sendJson(res, 415, requestError('POST requests must have Content-Type: application/json'));
          }
          try {
            body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
          } catch {
            return sendJson(res, 400, requestError('the request body is not valid JSON'));
          }
        }
        const httpGraphQLRequest: HTTPGraphQLRequest = {
          method: (req.method ?? 'GET').toUpperCase(),
          headers,
          search: new URL(req.url ?? '/', 'http://localhost').search,
          body,
        };
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest,
          context: () => options.context({ req, requestId }),
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') {
          res.end(response.body.string);
          return;
        }
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          return sendJson(res, 413, requestError(`request bodies are limited to ${maxBodyBytes} bytes`), { connection: 'close' });
        }
        logger.error({ err: error, requestId }, 'request failed outside GraphQL execution');
        if (!res.headersSent) sendJson(res, 500, requestError('Unexpected error.', 'INTERNAL_SERVER_ERROR'));
        else res.destroy();
      });
  };
}

function acceptedRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(value) ? value : undefined;
}
