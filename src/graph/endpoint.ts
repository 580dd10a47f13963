import { GraphHostRefusedError } from './errors.js';

/**
 * The one Graph endpoint the client may talk to: `<origin>/<version>/`. Every URL the client sends to, and
 * every link it is asked to follow, is checked here and nowhere else.
 */
export class GraphEndpoint {
  /** `<origin>/<version>` */
  readonly baseUrl: string;
  private readonly prefix: string;

  constructor(
    readonly origin: string,
    readonly apiVersion: string,
  ) {
    this.baseUrl = `${origin}/${apiVersion}`;
    this.prefix = `/${apiVersion}/`;
  }

  /** True when `url` is under `<origin>/<version>/`, with no credentials in it. */
  contains(url: URL): boolean {
    return url.origin === this.origin && url.username === '' && url.password === '' && url.pathname.startsWith(this.prefix);
  }

  /** The error for a URL outside the endpoint; its message never echoes the URL's query. */
  refuse(url: string): GraphHostRefusedError {
    return new GraphHostRefusedError(url, this.baseUrl);
  }

  /** An absolute Graph URL (an `@odata.nextLink`) as a path relative to the versioned base; throws when it is foreign. */
  toRelative(absoluteUrl: string): string {
    let url: URL;
    try {
      url = new URL(absoluteUrl);
    } catch {
      throw this.refuse(String(absoluteUrl));
    }
    if (!this.contains(url)) throw this.refuse(url.href);
    return `${url.pathname.slice(this.prefix.length - 1)}${url.search}`;
  }
}
