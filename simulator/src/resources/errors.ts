import { GraphHttpError } from '../types.js';

/**
 * The Graph error codes the resources answer with. Graph documents `BadRequest` for a malformed or unsupported
 * query (Graph docs: error responses); the same code is used for request bodies Graph refuses and for actions that the call's
 * current state does not allow, so a client branches on one code for "the request itself is wrong".
 */
export const ResourceErrorCode = {
  BadRequest: 'BadRequest',
  ItemNotFound: 'itemNotFound',
  AccessDenied: 'Authorization_RequestDenied',
} as const;

export function badRequest(message: string): GraphHttpError {
  return new GraphHttpError(400, ResourceErrorCode.BadRequest, message);
}

export function notFound(message: string): GraphHttpError {
  return new GraphHttpError(404, ResourceErrorCode.ItemNotFound, message);
}

export function forbidden(message: string): GraphHttpError {
  return new GraphHttpError(403, ResourceErrorCode.AccessDenied, message);
}

/** Renders an arbitrary value for an error message: strings quoted, the rest as JSON. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 77)}...` : value}'`;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
