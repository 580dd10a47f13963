import { badRequest } from '../errors.js';

/**
 * The `$filter` dialect Graph accepts on `GET /communications/callRecords` (Graph docs: List callRecords):
 *
 *   filter     = clause *( "and" clause )
 *   clause     = comparison / lambda / "(" filter ")"
 *   comparison = "startDateTime" SP ( "lt" / "le" / "gt" / "ge" ) SP dateTimeOffset
 *   lambda     = "participants_v2/any(" var ":" var "/id" SP "eq" SP string ")"
 *   dateTimeOffset = YYYY-MM-DDThh:mm[:ss[.fffffff]] ( "Z" / ("+"|"-") hh:mm )      (unquoted)
 *   string     = "'" *( any char except "'" / "''" ) "'"
 *
 * At most one participant lambda may appear. Operators and property names are case-sensitive, as in OData.
 * Anything else (other properties or operators, `or`, `not`, functions, `eq` on startDateTime) is a 400.
 */
export interface CallRecordFilter {
  /** Every bound must hold (they are and-ed). Instants are epoch milliseconds. */
  startDateTime: readonly { op: ComparisonOperator; value: number }[];
  /** Participant (or organizer) id the record must contain, when the lambda was given. */
  participantId?: string;
}

export type ComparisonOperator = 'lt' | 'le' | 'gt' | 'ge';

const COMPARISONS: readonly string[] = ['lt', 'le', 'gt', 'ge'];
const OTHER_OPERATORS: readonly string[] = ['eq', 'ne', 'has', 'in', 'add', 'sub', 'mul', 'div', 'mod'];
const SUPPORTED = "only 'startDateTime' with lt, le, gt or ge and 'participants_v2/any(p:p/id eq '...')', joined by 'and', are supported";

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'datetime'; text: string; value: number; pos: number }
  | { kind: 'literal'; text: string; pos: number }
  | { kind: 'punct'; text: '(' | ')' | '/' | ':' | ','; pos: number };

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})/;

function fail(message: string): never {
  throw badRequest(`Invalid $filter: ${message}`);
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === '/' || ch === ':' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length) fail(`unterminated string literal starting at position ${i}`);
        const c = input[j] as string;
        if (c === "'") {
          if (input[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += c;
        j++;
      }
      tokens.push({ kind: 'string', text, pos: i });
      i = j + 1;
      continue;
    }
    const rest = input.slice(i);
    const dt = DATETIME.exec(rest);
    if (dt && !/[\w.:]/.test(rest[dt[0].length] ?? ' ')) {
      tokens.push({ kind: 'datetime', text: dt[0], value: parseInstant(dt, i), pos: i });
      i += dt[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) as RegExpExecArray;
      tokens.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9+\-.]/.test(ch)) {
      const m = /^[0-9A-Za-z+\-.:]+/.exec(rest) as RegExpExecArray;
      tokens.push({ kind: 'literal', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    fail(`unexpected character '${ch}' at position ${i}`);
  }
  return tokens;
}

function parseInstant(m: RegExpExecArray, pos: number): number {
  const [text, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    fail(`'${text}' at position ${pos} is not a valid DateTimeOffset`);
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) fail(`'${text}' at position ${pos} has an invalid UTC offset`);
    offsetMinutes = sign * (oh * 60 + om);
  }
  // Sub-millisecond digits are dropped: the simulator keeps instants at millisecond precision.
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

class Parser {
  private i = 0;
  private readonly bounds: { op: ComparisonOperator; value: number }[] = [];
  private participantId: string | undefined;

  constructor(private readonly tokens: Token[]) {}

  parse(): CallRecordFilter {
    if (this.tokens.length === 0) fail('the expression is empty');
    this.expression();
    const extra = this.peek();
    if (extra) fail(`unexpected ${show(extra)} at position ${extra.pos}; ${SUPPORTED}`);
    return this.participantId === undefined
      ? { startDateTime: this.bounds }
      : { startDateTime: this.bounds, participantId: this.participantId };
  }

  private expression(): void {
    this.clause();
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'ident' && t.text === 'and') {
        this.i++;
        this.clause();
        continue;
      }
      if (t?.kind === 'ident' && (t.text === 'or' || t.text === 'OR' || t.text === 'AND')) {
        fail(`the operator '${t.text}' at position ${t.pos} is not supported; ${SUPPORTED}`);
      }
      return;
    }
  }

  private clause(): void {
    const t = this.next('a filter clause');
    if (t.kind === 'punct' && t.text === '(') {
      this.expression();
      this.expectPunct(')', 'to close the parenthesis');
      return;
    }
    if (t.kind !== 'ident') fail(`expected a property name at position ${t.pos}, got ${show(t)}; ${SUPPORTED}`);
    if (t.text === 'not') fail(`the operator 'not' at position ${t.pos} is not supported; ${SUPPORTED}`);
    const after = this.peek();
    if (after?.kind === 'punct' && after.text === '(') {
      fail(`the function '${t.text}' at position ${t.pos} is not supported; ${SUPPORTED}`);
    }
    if (t.text === 'startDateTime') return this.comparison(t);
    if (t.text === 'participants_v2') return this.lambda(t);
    fail(`filtering on the property '${t.text}' is not supported; ${SUPPORTED}`);
  }

  private comparison(property: Token): void {
    const op = this.next(`an operator after '${property.text}'`);
    if (op.kind === 'punct' && op.text === '/') fail(`'startDateTime' has no sub-properties (position ${op.pos})`);
    if (op.kind !== 'ident' || !COMPARISONS.includes(op.text)) {
      if (op.kind === 'ident' && OTHER_OPERATORS.includes(op.text)) {
        fail(`the operator '${op.text}' is not supported on 'startDateTime'; use lt, le, gt or ge`);
      }
      fail(`expected lt, le, gt or ge after 'startDateTime' at position ${op.pos}, got ${show(op)}`);
    }
    const value = this.next(`a DateTimeOffset after '${op.text}'`);
    if (value.kind !== 'datetime') {
      fail(`expected an unquoted ISO-8601 DateTimeOffset such as 2023-09-25T09:25:00Z at position ${value.pos}, got ${show(value)}`);
    }
    this.bounds.push({ op: op.text as ComparisonOperator, value: value.value });
  }

  private lambda(property: Token): void {
    const slash = this.next(`'/any(...)' after '${property.text}'`);
    if (!(slash.kind === 'punct' && slash.text === '/')) {
      fail(`'participants_v2' is a collection; expected 'participants_v2/any(p:p/id eq '...')' at position ${slash.pos}`);
    }
    const any = this.next("'any'");
    if (!(any.kind === 'ident' && any.text === 'any')) {
      fail(`expected 'any' at position ${any.pos}, got ${show(any)}; only the 'any' lambda on participants_v2 is supported`);
    }
    this.expectPunct('(', "after 'any'");
    const variable = this.next('a lambda variable');
    if (variable.kind !== 'ident') fail(`expected a lambda variable at position ${variable.pos}, got ${show(variable)}`);
    this.expectPunct(':', 'after the lambda variable');
    const ref = this.next(`'${variable.text}/id'`);
    if (!(ref.kind === 'ident' && ref.text === variable.text)) {
      fail(`expected '${variable.text}/id' at position ${ref.pos}, got ${show(ref)}`);
    }
    this.expectPunct('/', `after '${variable.text}'`);
    const prop = this.next("'id'");
    if (!(prop.kind === 'ident' && prop.text === 'id')) {
      fail(`only '${variable.text}/id' can be compared inside participants_v2/any(...), got ${show(prop)} at position ${prop.pos}`);
    }
    const eq = this.next("'eq'");
    if (!(eq.kind === 'ident' && eq.text === 'eq')) {
      fail(`only 'eq' is supported inside participants_v2/any(...), got ${show(eq)} at position ${eq.pos}`);
    }
    const id = this.next('a quoted participant id');
    if (id.kind !== 'string') fail(`expected a quoted participant id such as '821809f5-...' at position ${id.pos}, got ${show(id)}`);
    this.expectPunct(')', 'to close participants_v2/any(...)');
    if (this.participantId !== undefined) fail('only one participants_v2/any(...) clause is supported');
    this.participantId = id.text;
  }

  private expectPunct(text: string, context: string): void {
    const t = this.next(`'${text}' ${context}`);
    if (!(t.kind === 'punct' && t.text === text)) fail(`expected '${text}' ${context} at position ${t.pos}, got ${show(t)}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(expected: string): Token {
    const t = this.tokens[this.i];
    if (!t) fail(`the expression ends early; expected ${expected}`);
    this.i++;
    return t;
  }
}

function show(t: Token): string {
  return t.kind === 'string' ? `the string '${t.text}'` : `'${t.text}'`;
}

/** Parses a `$filter` value of the call-records list; throws a 400 `BadRequest` naming the problem. */
export function parseCallRecordFilter(input: string): CallRecordFilter {
  return new Parser(tokenize(input)).parse();
}

/** Whether a start instant satisfies every bound of the filter. */
export function matchesStart(filter: CallRecordFilter, startMs: number): boolean {
  for (const { op, value } of filter.startDateTime) {
    const ok = op === 'lt' ? startMs < value : op === 'le' ? startMs <= value : op === 'gt' ? startMs > value : startMs >= value;
    if (!ok) return false;
  }
  return true;
}

/** Quotes a value as an OData string literal (the inverse of the tokenizer's string rule). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
