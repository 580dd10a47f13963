/**
 * GraphQL enums over Graph's wire strings.
 *
 * Every GraphQL enum value `SCREAMING_CASE` stands for Graph's camelCase wire string (`TRANSFER_ACCEPTED` ⇔
 * `transferAccepted`), unless WIRE_VALUE_OVERRIDES says otherwise (`MAC_OS` ⇔ `macOS`). applyWireEnums() rewrites
 * the enum types of a built schema so that:
 * - resolvers return Graph's strings as they are (matched case-insensitively, since Graph's casing drifts:
 *   `operationStatus` is PascalCase in CSDL and lowercase on the wire);
 * - a string Graph adds later becomes `UNKNOWN_FUTURE_VALUE` instead of failing the query, with one warning per
 *   enum and value;
 * - enum arguments and input fields (and their schema defaults) reach resolvers as wire strings.
 *
 * wireEnumValues() gives the same wire values to codegen (scripts/codegen-wire-enums.ts), so the generated TypeScript
 * types say what the resolvers really see; the convention and WIRE_VALUE_OVERRIDES below are their only source.
 */
import {
  GraphQLError,
  type GraphQLSchema,
  Kind,
  astFromValue,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isInterfaceType,
  print,
  valueFromAST,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLInputField,
  type ValueNode,
} from 'graphql';

/** The member every enum has, standing for values Graph added after this gateway was written. */
export const UNKNOWN_FUTURE_VALUE = 'UNKNOWN_FUTURE_VALUE';

/** Wire values that the naming convention cannot derive: enum name → GraphQL value name → Graph's string. */
export const WIRE_VALUE_OVERRIDES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ClientPlatform: { MAC_OS: 'macOS', IOS: 'iOS' },
  WifiBand: {
    FREQUENCY_24_GHZ: 'frequency24GHz',
    FREQUENCY_50_GHZ: 'frequency50GHz',
    FREQUENCY_60_GHZ: 'frequency60GHz',
  },
};

/** Where applyWireEnums reports unknown wire values; pino's logger fits. */
export interface EnumWarningLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface WireEnumOptions {
  /** Receives one warning per enum and unknown wire value. Default: `process.emitWarning`. */
  logger?: EnumWarningLogger;
}

/** `TRANSFER_ACCEPTED` → `transferAccepted`, `TONE0` → `tone0`, `G7221C` → `g7221c`. */
export function conventionalWireValue(valueName: string): string {
  return valueName
    .toLowerCase()
    .split('_')
    .map((part, i) => (i === 0 || part === '' ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

/** Graph's wire string for a value of a GraphQL enum. */
export function wireValueOf(enumName: string, valueName: string): string {
  return WIRE_VALUE_OVERRIDES[enumName]?.[valueName] ?? conventionalWireValue(valueName);
}

/**
 * Graph's wire strings for the enums applyWireEnums rewrites: enum name → GraphQL value name → wire string, the shape
 * of codegen's `enumValues`. Throws what applyWireEnums throws for an enum it cannot wire.
 */
export function wireEnumValues(schema: GraphQLSchema): Record<string, Record<string, string>> {
  return Object.fromEntries(wireableEnums(schema).map((enumType) => [enumType.name, Object.fromEntries(wireValuesByName(enumType))]));
}

/** Caps the memory spent remembering which unknown values were already reported. */
const MAX_REMEMBERED_UNKNOWN_VALUES = 1000;

const wiredEnums = new WeakSet<GraphQLEnumType>();

/**
 * Rewrites every enum type of `schema` in place to speak Graph's wire strings (see the file comment) and returns
 * the schema. Works on any built schema (`buildASTSchema`, Apollo's `buildSubgraphSchema`, ...); applying it
 * twice is harmless. Throws when an enum lacks `UNKNOWN_FUTURE_VALUE` or an override names a missing value.
 */
export function applyWireEnums(schema: GraphQLSchema, options: WireEnumOptions = {}): GraphQLSchema {
  const warn = warnOnce(options.logger);
  const enums = wireableEnums(schema).filter((type) => !wiredEnums.has(type));
  if (enums.length === 0) return schema;

  // Defaults were parsed with GraphQL names as internal values; re-parse them after the rewrite.
  const defaults = captureDefaults(schema);
  for (const enumType of enums) wireEnum(enumType, warn);
  for (const { target, ast } of defaults) {
    const value = valueFromAST(ast, target.type);
    if (value === undefined)
      throw new Error(`Default value ${print(ast)} of "${target.name}" does not fit its type ${String(target.type)}`);
    target.defaultValue = value;
  }
  return schema;
}

/** Every enum of the schema but introspection's and linked specs'. */
function wireableEnums(schema: GraphQLSchema): GraphQLEnumType[] {
  return Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLEnumType => isEnumType(type) && !isIntrospectionType(type) && !isSpecType(type),
  );
}

/** Enums of linked specs (`link__Purpose` of Federation's @link) speak GraphQL names, not Graph's. */
function isSpecType(type: GraphQLEnumType): boolean {
  return type.name.includes('__');
}

/**
 * GraphQL value name → wire string for one enum. Throws when the enum lacks UNKNOWN_FUTURE_VALUE or an override names
 * a value it does not have.
 */
function wireValuesByName(enumType: GraphQLEnumType): Map<string, string> {
  const names = enumType.getValues().map((v) => v.name);
  if (!names.includes(UNKNOWN_FUTURE_VALUE)) {
    throw new Error(`Enum "${enumType.name}" must have an ${UNKNOWN_FUTURE_VALUE} member, got ${names.join(', ')}`);
  }
  for (const name of Object.keys(WIRE_VALUE_OVERRIDES[enumType.name] ?? {})) {
    if (!names.includes(name)) throw new Error(`WIRE_VALUE_OVERRIDES names ${enumType.name}.${name}, which the schema does not have`);
  }
  return new Map(names.map((name) => [name, wireValueOf(enumType.name, name)]));
}

function wireEnum(enumType: GraphQLEnumType, warn: (enumName: string, value: unknown) => void): void {
  const wireByName = wireValuesByName(enumType);
  const nameByWire = new Map([...wireByName].map(([name, wire]) => [wire.toLowerCase(), name]));
  for (const value of enumType.getValues()) value.value = wireByName.get(value.name);

  enumType.serialize = (outputValue: unknown): string => {
    const name = typeof outputValue === 'string' ? nameByWire.get(outputValue.toLowerCase()) : undefined;
    if (name !== undefined) return name;
    warn(enumType.name, outputValue);
    return UNKNOWN_FUTURE_VALUE;
  };
  enumType.parseValue = (inputValue: unknown): string => {
    const wire = typeof inputValue === 'string' ? wireByName.get(inputValue) : undefined;
    if (wire === undefined) throw notAValue(enumType, inputValue);
    return wire;
  };
  enumType.parseLiteral = (valueNode: ValueNode): string => {
    if (valueNode.kind !== Kind.ENUM) {
      throw new GraphQLError(`Enum "${enumType.name}" cannot represent non-enum value: ${print(valueNode)}.`, {
        nodes: valueNode,
      });
    }
    const wire = wireByName.get(valueNode.value);
    if (wire === undefined) throw notAValue(enumType, valueNode.value, valueNode);
    return wire;
  };
  wiredEnums.add(enumType);
}

function notAValue(enumType: GraphQLEnumType, value: unknown, node?: ValueNode): GraphQLError {
  const names = enumType.getValues().map((v) => v.name);
  return new GraphQLError(
    `Value ${JSON.stringify(value)} does not exist in "${enumType.name}" enum; expected one of ${names.join(', ')}.`,
    node === undefined ? {} : { nodes: node },
  );
}

interface CapturedDefault {
  target: GraphQLArgument | GraphQLInputField;
  ast: ValueNode;
}

function captureDefaults(schema: GraphQLSchema): CapturedDefault[] {
  const captured: CapturedDefault[] = [];
  const capture = (target: GraphQLArgument | GraphQLInputField): void => {
    if (target.defaultValue === undefined) return;
    const ast = astFromValue(target.defaultValue, target.type);
    if (ast) captured.push({ target, ast });
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) field.args.forEach(capture);
    } else if (isInputObjectType(type)) {
      Object.values(type.getFields()).forEach(capture);
    }
  }
  for (const directive of schema.getDirectives()) directive.args.forEach(capture);
  return captured;
}

function warnOnce(logger: EnumWarningLogger | undefined): (enumName: string, value: unknown) => void {
  const seen = new Set<string>();
  return (enumName, value) => {
    const key = `${enumName}\u0000${String(value)}`;
    if (seen.has(key) || seen.size >= MAX_REMEMBERED_UNKNOWN_VALUES) return;
    seen.add(key);
    const message = `Graph sent ${JSON.stringify(value)} for enum ${enumName}, which this gateway does not know; returned as ${UNKNOWN_FUTURE_VALUE}`;
    if (logger) logger.warn({ enum: enumName, wireValue: value }, message);
    else process.emitWarning(message, { code: 'GRAPH_UNKNOWN_ENUM_VALUE' });
  };
}
