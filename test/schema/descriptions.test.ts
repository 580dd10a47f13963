import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from '../../src/schema/index.js';

/** Everything Sandbox shows a description for, with its description. */
function describedElements(): Array<[string, string | null | undefined]> {
  const schema = buildASTSchema(typeDefs, { assumeValidSDL: true });
  const elements: Array<[string, string | null | undefined]> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    elements.push([type.name, type.description]);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        elements.push([`${type.name}.${field.name}`, field.description]);
        for (const arg of field.args) elements.push([`${type.name}.${field.name}(${arg.name})`, arg.description]);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) elements.push([`${type.name}.${field.name}`, field.description]);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) elements.push([`${type.name}.${value.name}`, value.description]);
    }
  }
  return elements;
}

describe('schema documentation', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    const elements = describedElements();
    expect(elements.length).toBeGreaterThan(500);
    const undocumented = elements.filter(([, description]) => !description?.trim()).map(([name]) => name);
    expect(undocumented).toEqual([]);
  });

  it('documents the default and the maximum of callRecords(first)', () => {
    const first = describedElements().find(([name]) => name === 'Query.callRecords(first)');
    expect(first?.[1]).toMatch(/at most 100; 20 when absent/);
  });
});
