/** The REST client a team would write by hand: one fetch per call, a bearer token, JSON, no retries. */
import { Agent, fetch } from 'undici';

export interface RestClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** Follows an absolute `@odata.nextLink`. */
  getAbsolute<T>(url: string): Promise<T>;
  /** Every item of a collection, following `@odata.nextLink`. */
  getAll<T>(path: string): Promise<T[]>;
  close(): Promise<void>;
}

export function createRestClient(options: { graphBaseUrl: string; caCertificate: string; token: string }): RestClient {
  const dispatcher = new Agent({ connect: { ca: options.caCertificate } });
  const headers = { authorization: `Bearer ${options.token}`, accept: 'application/json' };
  const send = async <T>(url: string, init: { method: string; body?: string }): Promise<T> => {
    const res = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: init.body }),
      dispatcher,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Graph answered ${res.status} to ${init.method} ${url}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };
  return {
    get: (path) => send(`${options.graphBaseUrl}/v1.0${path}`, { method: 'GET' }),
    post: (path, body) => send(`${options.graphBaseUrl}/v1.0${path}`, { method: 'POST', body: JSON.stringify(body) }),
    getAbsolute: (url) => send(url, { method: 'GET' }),
    async getAll<T>(path: string) {
      type Page = { value?: T[]; '@odata.nextLink'?: string };
      const items: T[] = [];
      let page = await send<Page>(`${options.graphBaseUrl}/v1.0${path}`, { method: 'GET' });
      for (;;) {
        items.push(...(page.value ?? []));
        const next = page['@odata.nextLink'];
        if (typeof next !== 'string') return items;
        page = await send<Page>(next, { method: 'GET' });
      }
    },
    close: () => dispatcher.close(),
  };
}
