import { GatewayError, GatewayErrorCode } from '../errors/index.js';

/**
 * A reference to an entity Graph does not have (an ended call, a record past its 30 days) resolves to null, as the
 * federation spec expects of `_entities`; any other failure stays an error beside the null.
 */
export async function nullIfNotFound<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof GatewayError && error.code === GatewayErrorCode.NotFound) return null;
    throw error;
  }
}
