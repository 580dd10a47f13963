import { describe, expect, it } from 'vitest';
import { NotAnEnvelopeError, parseNotifications } from '../../src/callbacks/notifications.js';
import { canonicalCallId } from '../../src/live/events.js';

const ID = '57dab8b1-894c-409a-b240-bd8beae78896';
const COMPACT = '57DAB8B1894C409AB240BD8BEAE78896';
const parseOne = (notification: unknown) => parseNotifications({ value: [notification] })[0];

describe('parseNotifications', () => {
  it("reads a call notification, keeping Graph's properties and its etag, without the notification's annotations", () => {
    const parsed = parseOne({
      changeType: 'updated',
      resourceUrl: `/communications/calls/${COMPACT}`,
      resourceData: { '@odata.type': '#microsoft.graph.call', '@odata.id': 'x', '@odata.etag': 'W/"5445"', state: 'established' },
    });
    expect(parsed).toEqual({
      kind: 'call',
      callId: ID,
      changeType: 'updated',
      etag: 5445,
      call: { '@odata.type': '#microsoft.graph.call', state: 'established' },
    });
  });

  it('takes the legacy resource when resourceUrl is missing, and a resourceUrl without its leading slash', () => {
    expect(parseOne({ changeType: 'created', resource: `/app/calls/${COMPACT}`, resourceData: { state: 'incoming' } })).toMatchObject({
      kind: 'call',
      callId: ID,
    });
    expect(
      parseOne({ changeType: 'updated', resourceUrl: `communications/calls/${ID}`, resourceData: { state: 'established' } }),
    ).toMatchObject({
      kind: 'call',
      callId: ID,
    });
  });

  it('reads a roster array, an operation by its URL id, and the invite doc bug whose id is only in the data', () => {
    expect(
      parseOne({ changeType: 'updated', resourceUrl: `/communications/calls/${ID}/participants`, resourceData: [{ id: 'p1' }] }),
    ).toEqual({
      kind: 'roster',
      callId: ID,
      changeType: 'updated',
      participants: [{ id: 'p1' }],
    });
    expect(
      parseOne({
        changeType: 'deleted',
        resourceUrl: `/communications/calls/${ID}/operations/0FE0623FD62842EDB4BD8AC290072CC5`,
        resourceData: { status: 'completed', '@odata.etag': 'W/"54451"' },
      }),
    ).toMatchObject({
      kind: 'operation',
      operationId: '0fe0623f-d628-42ed-b4bd-8ac290072cc5',
      etag: 54451,
      operation: { id: '0FE0623FD62842EDB4BD8AC290072CC5', status: 'completed' },
    });
    expect(
      parseOne({
        changeType: 'deleted',
        resourceUrl: `/communications/calls/${ID}/operations/participants`,
        resourceData: { '@odata.type': '#microsoft.graph.inviteParticipantsOperation', id: 'op-1', status: 'completed' },
      }),
    ).toMatchObject({ kind: 'operation', operationId: 'op-1' });
  });

  it('ignores content sharing (no resourceData) and resources it does not follow, without refusing the envelope', () => {
    expect(parseOne({ changeType: 'created', resourceUrl: `/communications/calls/${ID}/contentsharingsessions/s1` })).toMatchObject({
      kind: 'ignored',
      callId: ID,
    });
    expect(parseOne({ changeType: 'updated', resourceUrl: '/communications/onlineMeetings/1' })).toMatchObject({ kind: 'ignored' });
    expect(parseOne({ changeType: 'updated', resourceUrl: '/communications/calls/%E0%A4%A' })).toMatchObject({ kind: 'ignored' });
  });

  it('refuses what is not a commsNotifications envelope, saying what was expected', () => {
    expect(() => parseNotifications([])).toThrow(NotAnEnvelopeError);
    expect(() => parseNotifications({ value: {} })).toThrow('expected "value" to be an array');
    expect(() => parseNotifications({ value: [{ changeType: 'moved', resourceUrl: '/x' }] })).toThrow(
      'value[0].changeType must be created, updated or deleted, got "moved"',
    );
    expect(() => parseNotifications({ value: [{ changeType: 'updated' }] })).toThrow('value[0] has no resourceUrl');
  });
});

describe('canonicalCallId', () => {
  it('writes a GUID in lower case with dashes, whatever form it came in, and only lower-cases other ids', () => {
    expect([COMPACT, ID.toUpperCase(), `{${ID}}`, ID].map(canonicalCallId)).toEqual([ID, ID, ID, ID]);
    expect(canonicalCallId('Call-ABC')).toBe('call-abc');
  });
});
