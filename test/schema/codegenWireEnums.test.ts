import { buildASTSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { plugin } from '../../scripts/codegen-wire-enums.js';

const schema = buildASTSchema(
  parse('type Query { platform: ClientPlatform } enum ClientPlatform { WINDOWS MAC_OS IOS UNKNOWN_FUTURE_VALUE }'),
);

describe('the codegen plugin for wire enums', () => {
  it('types enums as the wire values of src/schema/enums.ts', async () => {
    const output = await plugin(schema, [], { enumsAsTypes: true });
    expect(typeof output === 'string' ? output : output.content).toContain(
      "export type ClientPlatform =\n  | 'windows'\n  | 'macOS'\n  | 'iOS'\n  | 'unknownFutureValue';",
    );
  });

  it('refuses enumValues written in codegen.yml', () => {
    expect(() => plugin(schema, [], { enumValues: { ClientPlatform: { MAC_OS: 'macOs' } } })).toThrow(
      'scripts/codegen-wire-enums.ts derives enumValues from src/schema/enums.ts; remove enumValues from codegen.yml, got {"ClientPlatform":{"MAC_OS":"macOs"}}',
    );
  });
});
