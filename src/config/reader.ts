import { integerProblem } from '../graph/index.js';

/** Reads environment variables, collecting every problem instead of stopping at the first. */
export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    readonly env: Env,
    readonly readFile: (path: string) => string,
  ) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  /** The trimmed value, or undefined when unset or blank. */
  str(key: string): string | undefined {
    const value = this.env[key]?.trim();
    return value ? value : undefined;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.str(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    // The environment holds text: the message quotes what was set, whatever it parsed to.
    if (integerProblem(key, value, min, max) !== undefined) {
      this.problem(integerProblem(key, raw, min, max) as string);
      return fallback;
    }
    return value;
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.str(key);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problem(`${key} must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const raw = this.str(key);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problem(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  /** Comma-separated values, trimmed, blanks dropped. */
  list(key: string): string[] {
    return (this.str(key) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }

  /** An origin (`https://host[:port]`) without path, query or credentials. */
  httpsOrigin(key: string, fallback: string): string {
    const raw = this.str(key);
    if (raw === undefined) return fallback;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'https:') this.problem(`${key} must be an https URL, got "${raw}"`);
      if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
        this.problem(`${key} must be an origin without path, query or credentials (e.g. https://graph.microsoft.com), got "${raw}"`);
      }
      return url.origin;
    } catch {
      this.problem(`${key} must be a URL such as https://graph.microsoft.com, got "${raw}"`);
      return fallback;
    }
  }

  file(key: string, what: string): string | undefined {
    const path = this.str(key);
    if (!path) return undefined;
    try {
      return this.readFile(path);
    } catch {
      this.problem(`${key} cannot be read: ${path} (${what})`);
      return undefined;
    }
  }
}
