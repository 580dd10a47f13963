import { assertObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CALL_FIELDS, CALL_RECORD_FIELDS, callProjection, callRecordProjection } from '../../src/loaders/projection.js';
import type { SelectionTree } from '../../src/loaders/selection.js';
import { resolvers } from '../../src/resolvers/index.js';
import { buildGatewaySchema } from '../../src/schema/index.js';

const schema = buildGatewaySchema(resolvers);
const fieldsOf = (type: string): string[] => Object.keys(assertObjectType(schema.getType(type)).getFields()).sort();
const tree = (spec: Record<string, SelectionTree | true>): SelectionTree =>
  new Map(Object.entries(spec).map(([k, v]) => [k, v === true ? new Map() : v]));

describe('projection', () => {
  it('knows every field of Call, so none is left out of $select and answered as null', () => {
    expect(fieldsOf('Call')).toEqual([...CALL_FIELDS].sort());
  });

  it('knows every field of CallRecord', () => {
    expect(fieldsOf('CallRecord')).toEqual([...CALL_RECORD_FIELDS].sort());
  });

  it('selects the Graph properties behind the selected fields, always with id, and nothing else', () => {
    expect(callProjection(tree({ state: true, __typename: true, source: true }))).toEqual(['id', 'source', 'state']);
    expect(callRecordProjection(tree({ organizer: true, startDateTime: true }))).toEqual({
      select: ['id', 'organizer_v2', 'startDateTime'],
      expansions: [],
    });
  });

  it('expands sessions (with segments only when selected) and participants, each on its own', () => {
    expect(callRecordProjection(tree({ sessions: tree({ segments: true }), participants: true })).expansions).toEqual([
      'sessions($expand=segments)',
      'participants_v2',
    ]);
    expect(callRecordProjection(tree({ sessions: tree({ id: true }) })).expansions).toEqual(['sessions']);
  });
});
