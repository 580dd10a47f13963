import type http from 'node:http';

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A GraphQL-over-HTTP error body for requests refused before GraphQL runs. */
export function requestError(message: string, code = 'BAD_REQUEST') {
  return { errors: [{ message, extensions: { code } }] };
}
