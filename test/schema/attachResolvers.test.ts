import { buildASTSchema, graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { resolvers } from '../../src/resolvers/index.js';
import { attachResolvers, buildGatewaySchema } from '../../src/schema/index.js';

const sdl = 'type Query { greeting: String } enum Mood { HAPPY UNKNOWN_FUTURE_VALUE }';

describe('attaching resolvers', () => {
  it('runs the field resolvers it was given', async () => {
    const schema = attachResolvers(buildASTSchema(parse(sdl)), { Query: { greeting: () => 'hello' } });
    expect((await graphql({ schema, source: '{ greeting }' })).data).toEqual({ greeting: 'hello' });
  });

  it('names a type the schema lacks', () => {
    expect(() => attachResolvers(buildASTSchema(parse(sdl)), { Qeury: {} })).toThrow(
      'Resolvers were given for type "Qeury", which the schema does not have',
    );
  });

  it('names a field the schema lacks', () => {
    expect(() => attachResolvers(buildASTSchema(parse(sdl)), { Query: { greting: () => 'x' } })).toThrow(
      'Resolvers were given for field "Query.greting", which the schema does not have',
    );
  });

  it('refuses enum resolvers, whose values come from the wire naming convention', () => {
    expect(() => attachResolvers(buildASTSchema(parse(sdl)), { Mood: { HAPPY: 'happy' } })).toThrow('Enum "Mood" takes no resolvers');
  });

  it('builds the gateway schema with every resolver module and answers introspection', async () => {
    const schema = buildGatewaySchema(resolvers);
    const result = await graphql({ schema, source: '{ __schema { types { name } } }' });
    expect(result.errors).toBeUndefined();
    expect((result.data?.__schema as { types: { name: string }[] }).types.map((t) => t.name)).toEqual(
      expect.arrayContaining(['Call', 'CallRecord', 'CallRecordConnection', 'IdentitySet', 'MediaConfig', 'CreateCallInput']),
    );
  });
});
