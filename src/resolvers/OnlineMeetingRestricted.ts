import type { OnlineMeetingContentRestriction, OnlineMeetingRestrictedResolvers } from '../generated/graphql.js';

/** A flags enum on the wire: `"watermarkProtection"`, several members comma-separated, or `"none"`/empty for none. */
// Wire strings: the schema's enum handling maps a flag it does not know to UNKNOWN_FUTURE_VALUE.
function flags(value: string | null | undefined): OnlineMeetingContentRestriction[] | null {
  if (value === null || value === undefined) return null;
  return value
    .split(',')
    .map((flag) => flag.trim())
    .filter((flag) => flag !== '' && flag.toLowerCase() !== 'none') as OnlineMeetingContentRestriction[];
}

export const OnlineMeetingRestricted: OnlineMeetingRestrictedResolvers = {
  contentSharingDisabled: (restricted) => flags(restricted.contentSharingDisabled),
  videoDisabled: (restricted) => flags(restricted.videoDisabled),
};
