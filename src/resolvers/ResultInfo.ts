import type { ResultInfoResolvers } from '../generated/graphql.js';

/** Graph's examples send code and subcode both as numbers and as numeric strings. */
function toInt(value: number | string | null | undefined): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

export const ResultInfo: ResultInfoResolvers = {
  code: (result) => toInt(result.code),
  // Some Graph examples spell it `subCode`.
  subcode: (result) => toInt(result.subcode ?? result.subCode),
};
