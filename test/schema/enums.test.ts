import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildASTSchema, graphql, isEnumType, isIntrospectionType, parse, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { wireEnumValues } from '../../src/schema/enums.js';
import { applyWireEnums, conventionalWireValue, typeDefs, wireValueOf } from '../../src/schema/index.js';
import { groupCall } from './fixtures.js';
import { recordingLogger, run, testSchema } from './helpers.js';

function schemaEnums(): GraphQLEnumType[] {
  return Object.values(buildASTSchema(typeDefs, { assumeValidSDL: true }).getTypeMap()).filter(
    (type): type is GraphQLEnumType => isEnumType(type) && !isIntrospectionType(type),
  );
}

describe('enum naming', () => {
  it.each([
    ['TRANSFER_ACCEPTED', 'transferAccepted'],
    ['PEER_TO_PEER', 'peerToPeer'],
    ['VIDEO_BASED_SCREEN_SHARING', 'videoBasedScreenSharing'],
    ['TONE0', 'tone0'],
    ['G7221C', 'g7221c'],
    ['UNKNOWN_FUTURE_VALUE', 'unknownFutureValue'],
  ])('derives %s ⇔ %s from the naming convention', (name, wire) => {
    expect(conventionalWireValue(name)).toBe(wire);
  });

  it('takes explicit overrides where Graph breaks the convention', () => {
    expect(wireValueOf('ClientPlatform', 'MAC_OS')).toBe('macOS');
    expect(wireValueOf('ClientPlatform', 'IOS')).toBe('iOS');
    expect(wireValueOf('WifiBand', 'FREQUENCY_24_GHZ')).toBe('frequency24GHz');
  });

  it('gives every enum an UNKNOWN_FUTURE_VALUE member', () => {
    for (const enumType of schemaEnums()) {
      expect(
        enumType.getValues().map((v) => v.name),
        enumType.name,
      ).toContain('UNKNOWN_FUTURE_VALUE');
    }
  });

  it('refuses to wire an enum without UNKNOWN_FUTURE_VALUE', () => {
    const schema = buildASTSchema(parse('type Query { a: Colour } enum Colour { RED }'));
    expect(() => applyWireEnums(schema)).toThrow('Enum "Colour" must have an UNKNOWN_FUTURE_VALUE member, got RED');
  });

  it('refuses, for codegen as at runtime, an override naming a value the enum lacks', () => {
    const schema = buildASTSchema(parse('type Query { a: ClientPlatform } enum ClientPlatform { WINDOWS UNKNOWN_FUTURE_VALUE }'));
    expect(() => wireEnumValues(schema)).toThrow('WIRE_VALUE_OVERRIDES names ClientPlatform.MAC_OS, which the schema does not have');
    expect(() => applyWireEnums(schema)).toThrow('WIRE_VALUE_OVERRIDES names ClientPlatform.MAC_OS, which the schema does not have');
  });

  it('gives codegen the wire values of every enum but those of linked specs', () => {
    const values = wireEnumValues(buildSubgraphSchema({ typeDefs }));
    expect(Object.keys(values).sort()).toEqual(
      schemaEnums()
        .map((e) => e.name)
        .sort(),
    );
    expect(values['ClientPlatform']).toMatchObject({ WINDOWS: 'windows', MAC_OS: 'macOS', UNKNOWN_FUTURE_VALUE: 'unknownFutureValue' });
  });

  it('gives the generated TypeScript types the wire values resolvers see', () => {
    const generated = readFileSync(new URL('../../src/generated/graphql.ts', import.meta.url), 'utf8');
    for (const enumType of schemaEnums()) {
      const declaration = new RegExp(`export type ${enumType.name} =\\n((?:.*\\n)*?)\\n`).exec(generated);
      expect(declaration, `generated type ${enumType.name}`).not.toBeNull();
      const generatedWire = [...(declaration?.[1] ?? '').matchAll(/\| '([^']*)'/g)].map((m) => m[1]).sort();
      const runtimeWire = enumType
        .getValues()
        .map((v) => wireValueOf(enumType.name, v.name))
        .sort();
      expect(generatedWire, enumType.name).toEqual(runtimeWire);
    }
  });
});

describe('enum values from Graph', () => {
  it('maps wire strings to GraphQL names, whatever their casing', async () => {
    const schema = testSchema({
      calls: { a: groupCall({ id: 'a', state: 'transferAccepted' }), b: groupCall({ id: 'b', state: 'Terminated' }) },
    });
    const data = await run(schema, '{ a: call(id: "a") { state } b: call(id: "b") { state } }');
    expect(data).toEqual({ a: { state: 'TRANSFER_ACCEPTED' }, b: { state: 'TERMINATED' } });
  });

  it('returns a value Graph added later as UNKNOWN_FUTURE_VALUE and warns once per enum and value', async () => {
    const logger = recordingLogger();
    // `ringing` is documented for v1.0 but only the beta schema has it.
    const schema = testSchema(
      { calls: { a: groupCall({ id: 'a', state: 'ringing' }), b: groupCall({ id: 'b', state: 'ringing' }) } },
      logger,
    );
    const query = '{ calls { state } }';
    expect(await run(schema, query)).toEqual({ calls: [{ state: 'UNKNOWN_FUTURE_VALUE' }, { state: 'UNKNOWN_FUTURE_VALUE' }] });
    await run(schema, query);
    expect(logger.warnings).toEqual([
      {
        details: { enum: 'CallState', wireValue: 'ringing' },
        message: 'Graph sent "ringing" for enum CallState, which this gateway does not know; returned as UNKNOWN_FUTURE_VALUE',
      },
    ]);
  });

  it('maps unknown values inside lists without failing the list', async () => {
    const schema = testSchema({ calls: { a: groupCall({ id: 'a', requestedModalities: ['audio', 'unknown', 'video'] }) } });
    expect(await run(schema, '{ call(id: "a") { requestedModalities } }')).toEqual({
      call: { requestedModalities: ['AUDIO', 'UNKNOWN_FUTURE_VALUE', 'VIDEO'] },
    });
  });
});

describe('enum values from clients', () => {
  const createCall = /* GraphQL */ `
    mutation ($input: CreateCallInput!) {
      createCall(input: $input) {
        id
        state
      }
    }
  `;
  const input = { callbackUri: 'https://bot.contoso.com/callback', mediaConfig: { serviceHosted: {} } };

  it('hands resolvers wire strings for literals and variables', async () => {
    const seen: unknown[] = [];
    const schema = testSchema({ onCreateCall: (i) => seen.push(i) });
    await run(schema, createCall, { input: { ...input, requestedModalities: ['AUDIO', 'VIDEO_BASED_SCREEN_SHARING'] } });
    await run(
      schema,
      'mutation { createCall(input: { callbackUri: "x", mediaConfig: { serviceHosted: {} }, requestedModalities: [VIDEO] }) { id } }',
    );
    expect(seen).toMatchObject([{ requestedModalities: ['audio', 'videoBasedScreenSharing'] }, { requestedModalities: ['video'] }]);
  });

  it('applies schema defaults as wire strings', async () => {
    const seen: unknown[] = [];
    const data = await run(testSchema({ onCreateCall: (i) => seen.push(i) }), createCall, { input });
    expect(data).toEqual({ createCall: { id: 'new-call', state: 'ESTABLISHING' } });
    expect(seen).toMatchObject([{ requestedModalities: ['audio'] }]);
  });

  it('shows defaults under their GraphQL names in introspection', async () => {
    const result = await graphql({
      schema: testSchema(),
      source: '{ __type(name: "CreateCallInput") { inputFields { name defaultValue } } }',
    });
    const fields = (result.data?.__type as { inputFields: { name: string; defaultValue: string | null }[] }).inputFields;
    expect(fields.find((f) => f.name === 'requestedModalities')?.defaultValue).toBe('[AUDIO]');
  });

  it('rejects a wire string where a GraphQL name is expected', async () => {
    const result = await graphql({
      schema: testSchema(),
      source: createCall,
      variableValues: { input: { ...input, requestedModalities: ['audio'] } },
    });
    expect(result.errors?.[0]?.message).toContain('Value "audio" does not exist in "Modality" enum');
  });
});
