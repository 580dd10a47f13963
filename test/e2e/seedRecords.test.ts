import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  // The Graph docs' example records are from September 2023: freeze the simulator's clock after them.
  stack = await startStack({ simulator: { now: '2023-09-26T00:00:00Z' } });
  stack.simulator.control.loadFixtures('seed-004');
});
afterAll(async () => stack?.stop());

it("serves the Graph docs' example call records through GraphQL as the docs show them", async () => {
  const result = await stack.query(`{
    callRecords(first: 10) {
      nodes {
        id version type modalities startDateTime endDateTime lastModifiedDateTime
        organizer { id identity { user { id displayName tenantId } phone { id displayName } } }
      }
      pageInfo { hasNextPage }
    }
  }`);
  expect(result.errors).toBeUndefined();
  expect(result.data).toEqual({
    callRecords: {
      nodes: [
        {
          id: '3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65',
          version: 2,
          type: 'UNKNOWN',
          modalities: ['AUDIO'],
          startDateTime: '2023-09-25T09:28:38Z',
          endDateTime: '2023-09-25T09:28:41Z',
          lastModifiedDateTime: '2023-09-25T10:36:40Z',
          organizer: {
            id: '821809f5-0000-0000-0000-3b5136c0e777',
            identity: {
              user: {
                id: '821809f5-0000-0000-0000-3b5136c0e777',
                displayName: 'Abbie Wilkins',
                tenantId: 'dc368399-474c-4d40-900c-6265431fd81f',
              },
              phone: null,
            },
          },
        },
        {
          id: 'c3ad8c4b-4a87-4ab1-bef0-284d2f40ed9f',
          version: 2,
          type: 'UNKNOWN',
          modalities: ['AUDIO'],
          startDateTime: '2023-09-25T14:03:36Z',
          endDateTime: '2023-09-25T14:03:40Z',
          lastModifiedDateTime: '2023-09-25T14:18:13Z',
          organizer: { id: '+5564981205182', identity: { user: null, phone: { id: '+5564981205182', displayName: null } } },
        },
      ],
      pageInfo: { hasNextPage: false },
    },
  });
});

it("filters the example records by participant as the docs' example 3 does", async () => {
  const result = await stack.query<{ callRecords: { nodes: Array<{ id: string }> } }>(
    `{ callRecords(filter: { participantId: "821809f5-0000-0000-0000-3b5136c0e777" }) { nodes { id } } }`,
  );
  expect(result.data!.callRecords.nodes).toEqual([{ id: '3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65' }]);
});
