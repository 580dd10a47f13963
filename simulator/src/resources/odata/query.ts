import type { SimRequest } from '../../types.js';
import { badRequest } from '../errors.js';

const KNOWN_SYSTEM_OPTIONS = [
  '$filter',
  '$select',
  '$expand',
  '$top',
  '$skip',
  '$skiptoken',
  '$orderby',
  '$count',
  '$search',
  '$format',
  '$apply',
  '$compute',
  '$index',
  '$levels',
  '$schemaversion',
  '$deltatoken',
];

/**
 * Reads the OData system query options of a request (names are matched case-insensitively, as Graph does) and
 * refuses any that `supported` does not list, any unknown `$` option and any option given twice. Parameters without
 * a `$` are custom options, which Graph ignores.
 */
export function readQueryOptions(req: SimRequest, supported: readonly string[], resource: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const [rawName, value] of req.query) {
    if (!rawName.startsWith('$')) continue;
    const name = rawName.toLowerCase();
    if (!KNOWN_SYSTEM_OPTIONS.includes(name)) {
      throw badRequest(`The query parameter '${rawName}' is not supported.`);
    }
    if (!supported.includes(name)) {
      throw badRequest(
        `The query option '${rawName}' is not supported on ${resource}; supported: ${supported.length ? supported.join(', ') : 'none'}.`,
      );
    }
    if (options.has(name)) throw badRequest(`The query option '${rawName}' was specified more than once.`);
    options.set(name, value);
  }
  return options;
}
