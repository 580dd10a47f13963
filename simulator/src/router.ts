/**
 * Matches a method and a decoded path (after the version prefix) against route patterns. Literal segments
 * compare case-insensitively, as Graph's do; `{name}` segments capture. A segment `fn({name})` is an OData
 * function call: it matches `fn(...)`, also namespace-qualified (`microsoft.graph.callRecords.fn(...)`, as the
 * SDKs send it), captures what is between the parentheses and counts as a literal. Among patterns matching a
 * path, the one with the most literal segments wins, so `/calls/{id}/answer` beats `/calls/{id}/{x}`.
 */
import type { Route, RouteParams } from './types.js';

export type RouteMatch =
  { kind: 'found'; route: Route; params: RouteParams } | { kind: 'methodNotAllowed'; allow: readonly string[] } | { kind: 'notFound' };

type Segment = { literal: string } | { param: string } | { fn: string; param: string };

interface CompiledRoute {
  route: Route;
  segments: readonly Segment[];
  literals: number;
}

export interface Router {
  match(method: string, path: string): RouteMatch;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled: CompiledRoute[] = routes
    .map((route) => {
      const segments = splitPath(route.pattern).map((s): Segment => {
        const fn = /^([A-Za-z]+)\(\{([^}]+)\}\)$/.exec(s);
        if (fn?.[1] !== undefined && fn[2] !== undefined) return { fn: fn[1].toLowerCase(), param: fn[2] };
        const m = /^\{([^}]+)\}$/.exec(s);
        return m?.[1] !== undefined ? { param: m[1] } : { literal: s.toLowerCase() };
      });
      return { route, segments, literals: segments.filter((s) => !('param' in s) || 'fn' in s).length };
    })
    .sort((a, b) => b.literals - a.literals);

  return {
    match(method, path) {
      const parts = splitPath(path);
      const allow = new Set<string>();
      for (const candidate of compiled) {
        const params = matchSegments(candidate, parts);
        if (params === null) continue;
        if (candidate.route.method === method.toUpperCase()) return { kind: 'found', route: candidate.route, params };
        allow.add(candidate.route.method);
      }
      return allow.size > 0 ? { kind: 'methodNotAllowed', allow: [...allow] } : { kind: 'notFound' };
    },
  };
}

function matchSegments(candidate: CompiledRoute, parts: readonly string[]): Record<string, string> | null {
  if (candidate.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = candidate.segments[i];
    const part = parts[i] ?? '';
    if (seg === undefined) return null;
    if ('literal' in seg) {
      if (seg.literal !== part.toLowerCase()) return null;
    } else if ('fn' in seg) {
      const call = FUNCTION_CALL.exec(part);
      if (call?.[1]?.toLowerCase() !== seg.fn || call[2] === undefined) return null;
      params[seg.param] = call[2];
    } else {
      if (part === '') return null;
      params[seg.param] = part;
    }
  }
  return params;
}

/** `name(args)` with an optional namespace (`microsoft.graph.callRecords.`); the name is the last dotted part. */
const FUNCTION_CALL = /^(?:[A-Za-z][\w]*\.)*([A-Za-z]\w*)\((.*)\)$/s;

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}
