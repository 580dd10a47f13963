import { describe, expect, it } from 'vitest';
import type { GraphResources } from '../../src/types.js';
import { collect, errorOf, resourcesPerTest, send } from './routeKit.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

const create = resourcesPerTest({ seed: 42, callRecordCount: 400, now: () => NOW, callEstablishDelayMs: 5 });
const make = (count = 400, clock: () => Date = () => NOW): GraphResources => create({ callRecordCount: count, now: clock });

type Rec = Record<string, unknown>;
const startOf = (r: Rec) => Date.parse(r['startDateTime'] as string);

describe('GET /communications/callRecords', () => {
  it('returns the first page of 60 records with a context, ordered by start, and an absolute nextLink', async () => {
    const { routes } = make();
    const res = await send(routes, 'GET', '/communications/callRecords');
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toBe('https://127.0.0.1:8443/v1.0/$metadata#communications/callRecords');
    expect(res.body.value).toHaveLength(60);
    const starts = (res.body.value ?? []).map(startOf);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const link = res.body['@odata.nextLink'] as string;
    expect(link).toMatch(/^https:\/\/127\.0\.0\.1:8443\/v1\.0\/communications\/callRecords\?\$skiptoken=/);
    expect(res.throttleKeys).toEqual(['callRecords:list']);
    expect(res.route?.anyOfRoles).toEqual(['CallRecords.Read.All']);
  });

  it('auto-expands organizer_v2 with its context annotation and leaves sessions and participants_v2 out', async () => {
    const { routes } = make();
    const first = (await send(routes, 'GET', '/communications/callRecords')).body.value?.[0] as Rec;
    expect(first['organizer_v2@odata.context']).toBe(
      `https://127.0.0.1:8443/v1.0/$metadata#communications/callRecords('${first['id'] as string}')/organizer_v2/$entity`,
    );
    expect(first['organizer_v2']).toMatchObject({ id: expect.any(String), identity: expect.any(Object) });
    expect(first).not.toHaveProperty('sessions');
    expect(first).not.toHaveProperty('participants_v2');
  });

  it('pages through the whole data set without duplicates or gaps for several page sizes', async () => {
    const { routes } = make();
    const all = (await collect(routes, '/communications/callRecords')).items.map((r) => r['id']);
    expect(all).toHaveLength(400);
    expect(new Set(all).size).toBe(400);
    for (const size of [1, 7, 60]) {
      const { items, pages } = await collect(routes, '/communications/callRecords', { headers: { Prefer: `odata.maxpagesize=${size}` } });
      expect(items.map((r) => r['id'])).toEqual(all);
      expect(pages).toBe(Math.ceil(400 / size));
    }
  });

  it('honours odata.maxpagesize with Preference-Applied and caps a larger value at 60 without it', async () => {
    const { routes } = make();
    const small = await send(routes, 'GET', '/communications/callRecords', { headers: { Prefer: 'odata.maxpagesize=5' } });
    expect(small.body.value).toHaveLength(5);
    expect(small.headers['Preference-Applied']).toBe('odata.maxpagesize=5');
    const big = await send(routes, 'GET', '/communications/callRecords', { headers: { Prefer: 'odata.maxpagesize=500' } });
    expect(big.body.value).toHaveLength(60);
    expect(big.headers['Preference-Applied']).toBeUndefined();
  });

  it('keeps every original query option in the nextLink and serves the filtered set across pages', async () => {
    const { routes } = make();
    const from = new Date(NOW.getTime() - 20 * DAY).toISOString();
    const to = new Date(NOW.getTime() - 5 * DAY).toISOString();
    const query = `$filter=${encodeURIComponent(`startDateTime ge ${from} and startDateTime lt ${to}`)}&$select=id,startDateTime`;
    const first = await send(routes, 'GET', `/communications/callRecords?${query}`, { headers: { Prefer: 'odata.maxpagesize=10' } });
    expect(first.body['@odata.nextLink']).toContain(query);
    expect(first.body['@odata.context']).toBe('https://127.0.0.1:8443/v1.0/$metadata#communications/callRecords(id,startDateTime)');
    const { items } = await collect(routes, `/communications/callRecords?${query}`, { headers: { Prefer: 'odata.maxpagesize=10' } });
    const everything = (await collect(routes, '/communications/callRecords')).items;
    const expected = everything.filter((r) => startOf(r) >= Date.parse(from) && startOf(r) < Date.parse(to)).map((r) => r['id']);
    expect(expected.length).toBeGreaterThan(50);
    expect(items.map((r) => r['id'])).toEqual(expected);
    expect(Object.keys(items[0] as Rec).sort()).toEqual(['id', 'startDateTime']);
  });

  it('applies each comparison operator with its own boundary semantics', async () => {
    const { routes } = make();
    const everything = (await collect(routes, '/communications/callRecords')).items;
    const pivot = everything[100] as Rec;
    const at = pivot['startDateTime'] as string;
    const count = async (op: string) =>
      (await collect(routes, `/communications/callRecords?$filter=${encodeURIComponent(`startDateTime ${op} ${at}`)}`)).items.length;
    const before = everything.filter((r) => startOf(r) < startOf(pivot)).length;
    const same = everything.filter((r) => startOf(r) === startOf(pivot)).length;
    expect(await count('lt')).toBe(before);
    expect(await count('le')).toBe(before + same);
    expect(await count('gt')).toBe(400 - before - same);
    expect(await count('ge')).toBe(400 - before);
  });

  it('filters by participant id through participants_v2/any and may combine it with a date range', async () => {
    const resources = make();
    const someone = (resources.snapshot().callRecords[3] as { participants_v2: Rec[] }).participants_v2[1]?.['id'] as string;
    const expected = resources
      .snapshot()
      .callRecords.filter((r) => (r as { participants_v2: Rec[] }).participants_v2.some((p) => p['id'] === someone)).length;
    const filter = encodeURIComponent(`participants_v2/any(p:p/id eq '${someone}')`);
    const { items } = await collect(resources.routes, `/communications/callRecords?$filter=${filter}`);
    expect(items.length).toBe(expected);
    const cut = new Date(NOW.getTime() - 15 * DAY).toISOString();
    const combined = encodeURIComponent(`participants_v2/any(x:x/id eq '${someone}') and startDateTime ge ${cut}`);
    const later = (await collect(resources.routes, `/communications/callRecords?$filter=${combined}`)).items;
    expect(later.map((r) => r['id'])).toEqual(items.filter((r) => startOf(r) >= Date.parse(cut)).map((r) => r['id']));
  });

  it('serves only records that ended within the last 30 days of the simulator clock', async () => {
    let now = NOW;
    const { routes } = make(200, () => now);
    expect((await collect(routes, '/communications/callRecords')).items).toHaveLength(200);
    now = new Date(NOW.getTime() + 10 * DAY);
    const { items } = await collect(routes, '/communications/callRecords');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(200);
    for (const r of items) expect(Date.parse(r['endDateTime'] as string)).toBeGreaterThan(now.getTime() - 30 * DAY);
    now = new Date(NOW.getTime());
    const gone = (await collect(routes, '/communications/callRecords')).items[0] as Rec;
    now = new Date(Date.parse(gone['endDateTime'] as string) + 30 * DAY + 1);
    expect((await send(routes, 'GET', `/communications/callRecords/${gone['id'] as string}`)).status).toBe(404);
  });

  it.each([
    ['$expand=sessions', /\$expand' is not supported when listing/],
    ['$top=5', /\$top' is not supported/],
    ['$orderby=startDateTime', /\$orderby' is not supported/],
    ['$count=true', /\$count' is not supported/],
    ['$search=x', /\$search' is not supported/],
    ['$skip=10', /\$skip' is not supported/],
    ['$bogus=1', /\$bogus' is not supported/],
    ['$select=id,nope', /property named 'nope'/],
    ['$select=organizer_v2/id', /paths and options are not supported/],
    ['$select=id&$select=type', /more than once/],
  ])('answers 400 BadRequest to %s', async (query, message) => {
    const { routes } = make(20);
    const res = await send(routes, 'GET', `/communications/callRecords?${query}`);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BadRequest');
    expect(errorOf(res).message).toMatch(message);
  });

  it.each([
    ['endDateTime ge 2026-11-01T00:00:00Z', /property 'endDateTime' is not supported/],
    ['startDateTime eq 2026-11-01T00:00:00Z', /operator 'eq' is not supported on 'startDateTime'/],
    ['startDateTime ge 2026-11-01T00:00:00Z or startDateTime lt 2026-11-02T00:00:00Z', /operator 'or'/],
    ["startDateTime ge '2026-11-01T00:00:00Z'", /unquoted ISO-8601/],
    ['startDateTime ge 2026-11-01', /unquoted ISO-8601/],
    ['startDateTime ge 2026-13-01T00:00:00Z', /not a valid DateTimeOffset/],
    ['startDateTime ge', /ends early/],
    ["participants_v2/any(p:p/id ne 'x')", /only 'eq'/],
    ["participants_v2/all(p:p/id eq 'x')", /expected 'any'/],
    ["participants_v2/any(p:p/displayName eq 'x')", /only 'p\/id'/],
    ["participants_v2/any(p:p/id eq 'x'", /to close/],
    ["participants_v2/any(p:p/id eq 'x) ", /unterminated string/],
    ["contains(id, 'x')", /function 'contains'/],
    ['not startDateTime ge 2026-11-01T00:00:00Z', /operator 'not'/],
    ['startDateTime ge 2026-11-01T00:00:00Z and', /ends early/],
    ['startDateTime ge 2026-11-01T00:00:00Z;', /unexpected character ';'/],
    ['', /empty/],
  ])('answers 400 BadRequest naming the problem for $filter=%s', async (filter, message) => {
    const { routes } = make(20);
    const res = await send(routes, 'GET', `/communications/callRecords?$filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BadRequest');
    expect(errorOf(res).message).toMatch(message);
  });

  it('refuses a tampered skiptoken and one replayed with another filter', async () => {
    const { routes } = make();
    const link = (await send(routes, 'GET', '/communications/callRecords?$select=id')).body['@odata.nextLink'] as string;
    const token = decodeURIComponent(/\$skiptoken=([^&]+)/.exec(link)?.[1] ?? '');
    const [body = '', sig = ''] = token.split('.');
    const forged = `${Buffer.from(Buffer.from(body, 'base64url').toString().replace(/\d{6}/, '000000')).toString('base64url')}.${sig}`;
    for (const bad of [forged, 'abc', `${body}.AAAA`, token + 'x']) {
      const res = await send(routes, 'GET', `/communications/callRecords?$select=id&$skiptoken=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(errorOf(res).message).toMatch(/skiptoken is invalid/);
    }
    const replayed = await send(routes, 'GET', `/communications/callRecords?$select=id,type&$skiptoken=${encodeURIComponent(token)}`);
    expect(replayed.status).toBe(400);
    expect((await send(routes, 'GET', link)).status).toBe(200);
  });

  it('answers the same under /beta with beta context URLs', async () => {
    const { routes } = make(5);
    const res = await send(routes, 'GET', '/communications/callRecords', { version: 'beta' });
    expect(res.body['@odata.context']).toBe('https://127.0.0.1:8443/beta/$metadata#communications/callRecords');
  });

  it('drops null values when asked with Prefer: omit-values=nulls', async () => {
    const { routes } = make(30);
    const res = await send(routes, 'GET', '/communications/callRecords', { headers: { Prefer: 'omit-values=nulls' } });
    expect(JSON.stringify(res.body)).not.toContain('null');
    expect(res.headers['Preference-Applied']).toBe('omit-values=nulls');
  });
});

describe('GET /communications/callRecords/{id}', () => {
  function largest(resources: GraphResources): Rec {
    return resources
      .snapshot()
      .callRecords.map((r) => r as Rec & { participants_v2: Rec[] })
      .sort((a, b) => b.participants_v2.length - a.participants_v2.length)[0] as Rec;
  }

  it('returns one record with an $entity context, counted against its own throttle bucket', async () => {
    const { routes } = make(20);
    const id = ((await send(routes, 'GET', '/communications/callRecords')).body.value?.[0] as Rec)['id'] as string;
    const res = await send(routes, 'GET', `/communications/callRecords/${id}?$select=id,type,organizer_v2`);
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toBe(
      'https://127.0.0.1:8443/v1.0/$metadata#communications/callRecords(id,type,organizer_v2)/$entity',
    );
    expect(Object.keys(res.body).sort()).toEqual(['@odata.context', 'id', 'organizer_v2', 'organizer_v2@odata.context', 'type']);
    expect(res.throttleKeys).toEqual([`callRecords:record:${id}`]);
  });

  it('answers 404 itemNotFound for an unknown id', async () => {
    const { routes } = make(5);
    const res = await send(routes, 'GET', '/communications/callRecords/00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('itemNotFound');
  });

  it('expands sessions with segments and pages them inline with a sessions@odata.nextLink', async () => {
    const resources = make();
    const big = largest(resources);
    const id = big['id'] as string;
    const res = await send(resources.routes, 'GET', `/communications/callRecords/${id}?$expand=sessions($expand=segments)`);
    expect(res.status).toBe(200);
    const sessions = res.body['sessions'] as Rec[];
    expect(sessions).toHaveLength(60);
    expect(sessions[0]?.['segments']).toEqual(expect.any(Array));
    expect(res.body['sessions@odata.context']).toBe(
      `https://127.0.0.1:8443/v1.0/$metadata#communications/callRecords('${id}')/sessions(segments())`,
    );
    const link = res.body['sessions@odata.nextLink'] as string;
    expect(link).toMatch(new RegExp(`/v1\\.0/communications/callRecords/${id}/sessions\\?\\$expand=segments&\\$skiptoken=`));
    const rest = await collect(resources.routes, link);
    const total = (big['participants_v2'] as Rec[]).length;
    expect(60 + rest.items.length).toBe(total);
    expect(rest.items[0]?.['segments']).toEqual(expect.any(Array));
    const ids = [...sessions, ...rest.items].map((s) => s['id']);
    expect(new Set(ids).size).toBe(total);
  });

  it('expands sessions without segments, and participants_v2 paged at 130, in one comma-joined $expand', async () => {
    const resources = make();
    const big = largest(resources);
    const id = big['id'] as string;
    const res = await send(resources.routes, 'GET', `/communications/callRecords/${id}?$expand=sessions,participants_v2`);
    expect((res.body['sessions'] as Rec[])[0]).not.toHaveProperty('segments');
    expect(res.body['participants_v2']).toHaveLength(130);
    const link = res.body['participants_v2@odata.nextLink'] as string;
    expect(link).toContain(`/communications/callRecords/${id}/participants_v2?$skiptoken=`);
    const rest = await collect(resources.routes, link);
    expect(130 + rest.items.length).toBe((big['participants_v2'] as Rec[]).length);
  });

  it('returns a selected navigation property only when it is expanded', async () => {
    const resources = make(5);
    const id = (resources.snapshot().callRecords[0] as Rec)['id'] as string;
    const plain = await send(resources.routes, 'GET', `/communications/callRecords/${id}?$select=id,sessions`);
    expect(Object.keys(plain.body).sort()).toEqual(['@odata.context', 'id']);
    const expanded = await send(resources.routes, 'GET', `/communications/callRecords/${id}?$select=id,sessions&$expand=sessions`);
    expect(expanded.body['sessions']).toEqual(expect.any(Array));
  });

  it('omits nested nextLinks when an expanded collection fits its page', async () => {
    const resources = make(5);
    const id = (resources.snapshot().callRecords[0] as Rec)['id'] as string;
    const res = await send(resources.routes, 'GET', `/communications/callRecords/${id}?$expand=participants_v2,sessions`);
    expect(res.body).not.toHaveProperty('sessions@odata.nextLink');
    expect(res.body).not.toHaveProperty('participants_v2@odata.nextLink');
    expect((res.body['sessions'] as Rec[]).length).toBeGreaterThan(0);
  });

  it.each([
    ['$expand=segments', /navigation property named 'segments'/],
    ['$expand=sessions($select=id)', /Only '\$expand=segments'/],
    ['$expand=sessions,sessions', /expanded twice/],
    ['$expand=sessions(', /not closed/],
    ['$select=bogus', /property named 'bogus'/],
    ['$filter=id eq 1', /\$filter' is not supported/],
  ])('answers 400 BadRequest to %s', async (query, message) => {
    const resources = make(5);
    const id = (resources.snapshot().callRecords[0] as Rec)['id'] as string;
    const res = await send(resources.routes, 'GET', `/communications/callRecords/${id}?${query}`);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(message);
  });
});

describe('GET /communications/callRecords/{id}/sessions and /participants_v2', () => {
  it('lists sessions with $select and $expand=segments, paged by odata.maxpagesize', async () => {
    const resources = make(5);
    const id = (resources.snapshot().callRecords[0] as Rec)['id'] as string;
    const res = await send(resources.routes, 'GET', `/communications/callRecords/${id}/sessions?$select=id,modalities`);
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toBe(
      `https://127.0.0.1:8443/v1.0/$metadata#communications/callRecords('${id}')/sessions(id,modalities)`,
    );
    expect(Object.keys(res.body.value?.[0] as Rec).sort()).toEqual(['id', 'modalities']);
    const withSegments = await send(resources.routes, 'GET', `/communications/callRecords/${id}/sessions?$expand=segments`);
    const segment = ((withSegments.body.value?.[0] as Rec)['segments'] as Rec[])[0] as Rec;
    expect(segment['caller']).toMatchObject({
      '@odata.type': expect.stringMatching(/^#microsoft\.graph\.callRecords\.(participant|service)Endpoint$/),
    });
    expect((segment['media'] as Rec[])[0]?.['streams']).toEqual(expect.any(Array));
    expect(withSegments.throttleKeys).toEqual([`callRecords:record:${id}`]);
  });

  it('pages a large meeting sessions list by the preferred size and refuses a token from another record', async () => {
    const resources = make();
    const [big, other] = resources
      .snapshot()
      .callRecords.map((r) => r as Rec & { participants_v2: Rec[] })
      .sort((a, b) => b.participants_v2.length - a.participants_v2.length);
    const url = `/communications/callRecords/${big?.['id'] as string}/sessions`;
    const { items, pages } = await collect(resources.routes, url, { headers: { Prefer: 'odata.maxpagesize=25' } });
    expect(items).toHaveLength(big?.participants_v2.length ?? -1);
    expect(pages).toBe(Math.ceil(items.length / 25));
    const link = (await send(resources.routes, 'GET', url)).body['@odata.nextLink'] as string;
    const foreign = link.replace(big?.['id'] as string, other?.['id'] as string);
    expect((await send(resources.routes, 'GET', foreign)).status).toBe(400);
  });

  it.each([
    ['sessions?$expand=participants', 400],
    ['sessions?$top=1', 400],
    ['sessions?$select=bogus', 400],
    ['participants_v2?$expand=identity', 400],
    ['participants_v2?$select=nope', 400],
  ])('answers 400 to %s', async (suffix, status) => {
    const resources = make(5);
    const id = (resources.snapshot().callRecords[0] as Rec)['id'] as string;
    expect((await send(resources.routes, 'GET', `/communications/callRecords/${id}/${suffix}`)).status).toBe(status);
  });

  it('answers 404 for the sub-collections of an unknown record', async () => {
    const { routes } = make(5);
    expect((await send(routes, 'GET', '/communications/callRecords/nope/sessions')).status).toBe(404);
    expect((await send(routes, 'GET', '/communications/callRecords/nope/participants_v2')).status).toBe(404);
  });

  it('lists participants_v2 with $select', async () => {
    const resources = make(5);
    const id = (resources.snapshot().callRecords[0] as Rec)['id'] as string;
    const res = await send(resources.routes, 'GET', `/communications/callRecords/${id}/participants_v2?$select=id`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.value?.[0] as Rec)).toEqual(['id']);
  });

  it('requires CallRecords.Read.All on every call-record route', async () => {
    const resources = make(5);
    for (const route of resources.routes.filter((r) => r.name.startsWith('callRecords.'))) {
      // The call-log functions also accept their own least-privileged permission (CALLS-LIVE.md 4.1).
      const callLog = /^callRecords\.get(PstnCalls|DirectRoutingCalls)$/.test(route.name);
      expect(route.anyOfRoles).toEqual(callLog ? ['CallRecord-PstnCalls.Read.All', 'CallRecords.Read.All'] : ['CallRecords.Read.All']);
    }
    const res = await send(resources.routes, 'GET', '/communications/callRecords', { roles: ['Calls.Initiate.All'] });
    expect(res.status).toBe(403);
  });
});
