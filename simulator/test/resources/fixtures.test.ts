import { afterEach, describe, expect, it } from 'vitest';
import { GraphHttpError } from '../../src/types.js';
import { collect, resourcesPerTest, send } from './routeKit.js';

type Rec = Record<string, unknown>;
let now = new Date('2023-09-26T00:00:00Z');
const make = resourcesPerTest({ seed: 3, callRecordCount: 50, now: () => now, callEstablishDelayMs: 5 });
afterEach(() => {
  now = new Date('2023-09-26T00:00:00Z');
});

/** Example 1 of the seed 004 page ("List callRecord"), exactly as the doc prints it: tabs, trailing commas and all. */
const SEED_004_EXAMPLE = `{
	"@odata.context": "https://graph.microsoft.com/beta/$metadata#communications/callRecords",
	"value": [
    {
      "id": "3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65",
      "version": 2,
      "type": "unknown",
      "modalities": [
        "audio"
      ],
      "lastModifiedDateTime": "2023-09-25T10:36:40Z",
      "startDateTime": "2023-09-25T09:28:38Z",
      "endDateTime": "2023-09-25T09:28:41Z",
      "organizer_v2@odata.context": "https://graph.microsoft.com/beta/$metadata#communications/callRecords('3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65')/organizer_v2/$entity",
      "organizer_v2": {
        "id": "821809f5-0000-0000-0000-3b5136c0e777",
        "identity": {
          "user": {
            "id": "821809f5-0000-0000-0000-3b5136c0e777",
            "displayName": "Abbie Wilkins",
            "tenantId": "dc368399-474c-4d40-900c-6265431fd81f",
          }
        }
      }
    },
    {
      "id": "c3ad8c4b-4a87-4ab1-bef0-284d2f40ed9f",
      "version": 2,
      "type": "unknown",
      "modalities": [
        "audio"
      ],
      "lastModifiedDateTime": "2023-09-25T14:18:13Z",
			"startDateTime": "2023-09-25T14:03:36Z",
			"endDateTime": "2023-09-25T14:03:40Z",
      "organizer_v2@odata.context": "https://graph.microsoft.com/beta/$metadata#communications/callRecords('c3ad8c4b-4a87-4ab1-bef0-284d2f40ed9f')/organizer_v2/$entity",
      "organizer_v2": {
        "id": "+5564981205182",
				"identity": {
					"user": null,
					"acsUser": null,
					"spoolUser": null,
					"phone": {
						"id": "+5564981205182",
						"displayName": null,
						"tenantId": null
					}
        }
      }
    }
  ]
}`;

/** The doc example made parseable the way a reader would, by dropping its trailing commas. */
function seedExample(): { value: Rec[] } {
  return JSON.parse(SEED_004_EXAMPLE.replace(/,(\s*[}\]])/g, '$1')) as { value: Rec[] };
}

/** `@odata.context` values are rebased from graph.microsoft.com/beta onto the simulator's base URL. */
function rebased(value: unknown, baseUrl: string): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll('https://graph.microsoft.com/beta', baseUrl));
}

describe('fixtures', () => {
  it('round-trips the seed 004 records through the list field for field, key order included', async () => {
    const resources = make();
    expect(resources.loadFixtures('seed-004')).toBe(2);
    const res = await send(resources.routes, 'GET', '/communications/callRecords', { version: 'beta' });
    const expected = rebased(seedExample().value, 'https://127.0.0.1:8443/beta') as Rec[];
    expect(JSON.stringify(res.body.value)).toBe(JSON.stringify(expected));
    expect(res.body['@odata.context']).toBe('https://127.0.0.1:8443/beta/$metadata#communications/callRecords');
    const organizer = ((res.body.value ?? [])[1]?.['organizer_v2'] as Rec)['identity'];
    expect(organizer).toEqual({
      user: null,
      acsUser: null,
      spoolUser: null,
      phone: { id: '+5564981205182', displayName: null, tenantId: null },
    });
  });

  it('answers the seed page example 2 and 3 filters with the record the page shows', async () => {
    const resources = make();
    resources.loadFixtures('seed-004');
    const byDate = await send(
      resources.routes,
      'GET',
      `/communications/callRecords?$filter=${encodeURIComponent('startDateTime ge 2023-09-25T09:25:00Z and startDateTime lt 2023-09-25T09:30:00Z')}`,
    );
    expect((byDate.body.value ?? []).map((r) => r['id'])).toEqual(['3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65']);
    const byParticipant = await send(
      resources.routes,
      'GET',
      `/communications/callRecords?$filter=${encodeURIComponent("participants_v2/any(p:p/id eq '821809f5-0000-0000-0000-3b5136c0e777')")}`,
    );
    expect((byParticipant.body.value ?? []).map((r) => r['id'])).toEqual(['3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65']);
  });

  it('hides fixture records once the clock is more than 30 days past their end', async () => {
    const resources = make();
    resources.loadFixtures('seed-004');
    now = new Date('2023-10-26T00:00:00Z');
    expect((await send(resources.routes, 'GET', '/communications/callRecords')).body.value).toEqual([]);
    expect((await send(resources.routes, 'GET', '/communications/callRecords/3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65')).status).toBe(404);
  });

  it('loads a {calls, callRecords} document with sessions and participants, and merges when asked', async () => {
    const resources = make();
    const doc = {
      calls: [{ id: 'call-1', state: 'incoming', direction: 'incoming', source: null }],
      callRecords: [
        {
          id: 'rec-1',
          version: 1,
          type: 'peerToPeer',
          modalities: ['audio'],
          startDateTime: '2023-09-24T10:00:00Z',
          endDateTime: '2023-09-24T10:05:00Z',
          participants_v2: [{ id: 'p-1', identity: { user: { id: 'p-1', displayName: "O'Brien" } } }],
          sessions: [{ id: 's-1', modalities: ['audio'] }],
        },
      ],
    };
    expect(resources.loadFixtures(doc)).toBe(2);
    const calls = await send(resources.routes, 'GET', '/communications/calls');
    expect((calls.body.value ?? []).map((c) => c['id'])).toEqual(['call-1']);
    const record = await send(
      resources.routes,
      'GET',
      '/communications/callRecords/rec-1?$expand=sessions($expand=segments),participants_v2',
    );
    expect(record.body['sessions']).toEqual([{ id: 's-1', modalities: ['audio'], segments: [] }]);
    expect((record.body['participants_v2'] as Rec[])[0]?.['id']).toBe('p-1');
    expect(record.body).not.toHaveProperty('organizer_v2@odata.context');
    const filtered = await collect(
      resources.routes,
      `/communications/callRecords?$filter=${encodeURIComponent("participants_v2/any(p:p/id eq 'p-1')")}`,
    );
    expect(filtered.items.map((r) => r['id'])).toEqual(['rec-1']);
    expect(resources.loadFixtures('seed-004', { merge: true })).toBe(2);
    expect((await collect(resources.routes, '/communications/callRecords')).items).toHaveLength(3);
    expect(resources.snapshot().calls).toHaveLength(1);
  });

  it('accepts a fixture as JSON text and refuses malformed documents with a 400', () => {
    const resources = make();
    expect(resources.loadFixtures(JSON.stringify({ value: [] }))).toBe(0);
    for (const bad of [
      'no-such-fixture',
      { value: 'x' },
      { value: [{ startDateTime: '2023-09-24T10:00:00Z' }] },
      { value: [{ id: 'a' }] },
      { value: [{ id: 'a', startDateTime: 'yesterday' }] },
      { other: [] },
    ]) {
      let error: unknown;
      try {
        resources.loadFixtures(bad);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad)).toBeInstanceOf(GraphHttpError);
      expect((error as GraphHttpError).status).toBe(400);
    }
  });

  it('goes back to the generated data set on reset()', async () => {
    const resources = make();
    now = new Date();
    const fresh = make();
    fresh.loadFixtures('seed-004');
    expect(fresh.snapshot().callRecords).toHaveLength(2);
    fresh.reset();
    expect(fresh.snapshot().callRecords).toHaveLength(50);
    expect(fresh.snapshot().calls).toHaveLength(5);
    expect(resources.snapshot().callRecords).toHaveLength(50);
  });
});
