/**
 * codegen's typescript plugin, given as `enumValues` the wire values src/schema/enums.ts derives from the schema (its
 * naming convention and WIRE_VALUE_OVERRIDES): the generated enum types are then Graph's strings, exactly what
 * applyWireEnums hands resolvers, and the wire values are written down nowhere but src/schema/enums.ts.
 * codegen.yml names this file in place of `typescript` and `require`s tsx/esm so that codegen can load it.
 */
import { plugin as typescriptPlugin } from '@graphql-codegen/typescript';
import { wireEnumValues } from '../src/schema/enums.js';

export const plugin: typeof typescriptPlugin = (schema, documents, config, info) => {
  if (config.enumValues !== undefined) {
    throw new Error(
      `scripts/codegen-wire-enums.ts derives enumValues from src/schema/enums.ts; remove enumValues from codegen.yml, got ${JSON.stringify(config.enumValues)}`,
    );
  }
  return typescriptPlugin(schema, documents, { ...config, enumValues: wireEnumValues(schema) }, info);
};
