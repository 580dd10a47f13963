/**
 * The gateway's error model, the one door between Graph's failures and GraphQL errors: the codes a caller
 * may see, GatewayError, the translation of every Graph client failure, and masking of everything else.
 */
export { GatewayError, GatewayErrorCode, badUserInput, type GatewayErrorDetails } from './codes.js';
export { toGatewayError, type UpstreamContext } from './fromGraph.js';
export { UNEXPECTED_ERROR_MESSAGE, isDeliberateError, maskUnexpectedErrors, unexpectedErrorLogPlugin } from './masking.js';
