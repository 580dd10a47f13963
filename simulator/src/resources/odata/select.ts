import { badRequest } from '../errors.js';

/**
 * Parses `$select` against the properties the resource declares. Returns undefined when absent or `*`.
 * Unknown names, paths (`a/b`) and empty items are a 400 naming them.
 */
export function parseSelect(raw: string | undefined, allowed: readonly string[], resource: string): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '*') return undefined;
  const selected: string[] = [];
  for (const item of items) {
    if (item === '') throw badRequest(`Invalid $select '${raw}': an empty property name is not allowed.`);
    if (item.includes('/') || item.includes('(')) {
      throw badRequest(`Invalid $select: '${item}' is not a property of ${resource}; paths and options are not supported in $select.`);
    }
    if (!allowed.includes(item)) {
      throw badRequest(`Could not find a property named '${item}' on type '${resource}'.`);
    }
    if (!selected.includes(item)) selected.push(item);
  }
  return selected;
}

/**
 * Keeps the selected properties (and the annotations of those properties, plus instance annotations such as
 * `@odata.type`). A selected structural property the entity does not carry comes back as `null`, as Graph renders
 * unset values; a selected navigation property stays absent unless it is expanded.
 */
export function applySelect(
  entity: Record<string, unknown>,
  selected: readonly string[] | undefined,
  navigation: readonly string[] = [],
): Record<string, unknown> {
  if (!selected) return entity;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    const at = key.indexOf('@');
    if (at === 0 || selected.includes(at > 0 ? key.slice(0, at) : key)) out[key] = value;
  }
  for (const name of selected) if (!(name in out) && !navigation.includes(name)) out[name] = null;
  return out;
}

/** The `(a,b)` part of an `@odata.context` URL for a selection, or '' without one. */
export function selectContext(selected: readonly string[] | undefined): string {
  return selected ? `(${selected.join(',')})` : '';
}
