import { badUserInput } from '../errors/index.js';
import type { MediaConfigInput, MediaInfoInput, MediaPromptInput } from '../generated/graphql.js';
import { checkCount, checkHttpsUrl, checkLength } from './inputChecks.js';

/** Media inputs (configurations, files, prompts) checked and built as Graph's JSON; shared by createCall, answer and the media actions. */

export function mediaInfo(file: MediaInfoInput): Record<string, unknown> {
  return { uri: file.uri, ...(file.resourceId ? { resourceId: file.resourceId } : {}) };
}

function checkMediaInfo(file: MediaInfoInput, field: string): void {
  checkHttpsUrl(file.uri, `${field}.uri`);
  if (file.resourceId !== null && file.resourceId !== undefined) checkLength(file.resourceId, 1, 256, `${field}.resourceId`);
}

/** A mediaConfig: exactly one of appHosted or serviceHosted, at most 20 files to prefetch. */
export function toMediaConfig(media: MediaConfigInput, field: string): Record<string, unknown> {
  if (media.appHosted) {
    checkLength(media.appHosted.blob, 1, 65_536, `${field}.appHosted.blob`);
    return { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: media.appHosted.blob };
  }
  if (media.serviceHosted) {
    const prefetch = media.serviceHosted.preFetchMedia ?? [];
    if (prefetch.length > 20)
      throw badUserInput(
        `${field}.serviceHosted.preFetchMedia allows at most 20 files, got ${prefetch.length}`,
        `${field}.serviceHosted.preFetchMedia`,
      );
    prefetch.forEach((file, i) => checkHttpsUrl(file.uri, `${field}.serviceHosted.preFetchMedia[${i}].uri`));
    return { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig', preFetchMedia: prefetch.map(mediaInfo) };
  }
  throw badUserInput(`${field} must set serviceHosted or appHosted`, field);
}

/** Prompts as Graph's `mediaPrompt`s, between `min` and `max` of them. */
export function toPrompts(prompts: readonly MediaPromptInput[], min: number, max: number, field: string): Record<string, unknown>[] {
  checkCount(prompts, min, max, field, 'prompts');
  return prompts.map((prompt, i) => toPrompt(prompt, `${field}[${i}]`));
}

export function toPrompt(prompt: MediaPromptInput, field: string): Record<string, unknown> {
  checkMediaInfo(prompt.mediaInfo, `${field}.mediaInfo`);
  return {
    '@odata.type': '#microsoft.graph.mediaPrompt',
    mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', ...mediaInfo(prompt.mediaInfo) },
  };
}
