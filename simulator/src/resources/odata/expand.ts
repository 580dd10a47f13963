import { badRequest } from '../errors.js';

/** One `$expand` item: `sessions`, or `sessions($expand=segments)` with its nested options. */
export interface ExpandItem {
  name: string;
  options: Map<string, string>;
}

/** Splits on `sep` at parenthesis depth 0; throws on unbalanced parentheses. */
function splitTopLevel(input: string, sep: string, what: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) throw badRequest(`Invalid ${what} '${input}': unbalanced ')' at position ${i}.`);
    } else if (ch === sep && depth === 0) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw badRequest(`Invalid ${what} '${input}': a '(' is not closed.`);
  parts.push(input.slice(start));
  return parts;
}

/** Parses an `$expand` value into items; nested options are kept as raw strings. */
export function parseExpand(raw: string): ExpandItem[] {
  const items: ExpandItem[] = [];
  for (const part of splitTopLevel(raw, ',', '$expand')) {
    const text = part.trim();
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/s.exec(text);
    if (!m) throw badRequest(`Invalid $expand '${raw}': '${text}' is not a navigation property name.`);
    const name = m[1] as string;
    const options = new Map<string, string>();
    if (m[2] !== undefined) {
      for (const opt of splitTopLevel(m[2], ';', '$expand')) {
        const eq = opt.indexOf('=');
        if (eq <= 0) throw badRequest(`Invalid $expand '${raw}': expected 'name=value' inside '${name}(...)', got '${opt.trim()}'.`);
        const key = opt.slice(0, eq).trim().toLowerCase();
        if (options.has(key)) throw badRequest(`Invalid $expand '${raw}': '${key}' is given twice inside '${name}(...)'.`);
        options.set(key, opt.slice(eq + 1).trim());
      }
    }
    if (items.some((i) => i.name === name)) throw badRequest(`Invalid $expand '${raw}': '${name}' is expanded twice.`);
    items.push({ name, options });
  }
  return items;
}
