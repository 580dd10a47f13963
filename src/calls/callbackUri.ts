import { badUserInput } from '../errors/index.js';
import { checkHttpsUrl } from './inputChecks.js';

/**
 * The `callbackUri` to send Graph: the caller's own (checked: https, no credentials), else the gateway's callback
 * endpoint (`${PUBLIC_URL}/callbacks/calls`, trusted configuration, so plain http on loopback passes for the
 * simulator). With neither, the call would have nowhere to report to: refused naming both ways out.
 */
export function callbackUriOrDefault(given: string | null | undefined, defaultUrl: string | undefined, field: string): string {
  if (given !== null && given !== undefined) {
    checkHttpsUrl(given, field);
    return given;
  }
  if (defaultUrl === undefined) {
    throw badUserInput(
      `${field} is required: this gateway has no callback endpoint of its own (set PUBLIC_URL to the gateway's https address), got none`,
      field,
    );
  }
  return defaultUrl;
}
