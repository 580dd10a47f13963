import { toCreateCallBody } from '../calls/createCallRequest.js';
import { toClientContextBody } from '../calls/clientContext.js';
import { toChangeScreenSharingRoleBody, toUpdateRecordingStatusBody } from '../calls/callStateRequests.js';
import { toAnswerBody, toRedirectBody, toRejectBody } from '../calls/incomingCallRequests.js';
import { toPlayPromptBody, toRecordResponseBody, toSendDtmfTonesBody } from '../calls/mediaActionRequests.js';
import { toInviteParticipantsBody, toStartHoldMusicBody } from '../calls/participantRequests.js';
import { toTransferBody } from '../calls/transferRequest.js';
import { GatewayError } from '../errors/index.js';
import type { MutationResolvers } from '../generated/graphql.js';
import type { GraphCall } from '../graph/types.js';
import { actionPath, postOperation, sendAction } from './callActions.js';

/** Each call-control mutation: the input checked into Graph's body, then one request (src/resolvers/callActions.ts). */
export const Mutation: MutationResolvers = {
  async createCall(_root, { input }, { graph, logger, callbackUrl }) {
    const body = toCreateCallBody(input, callbackUrl);
    try {
      // Not idempotent: the client retries it only on 429, when Graph has certainly not acted. Graph's 400 is
      // about the caller's input.
      const response = await graph.request<GraphCall>({ method: 'POST', path: '/communications/calls', body }, { userSuppliedBody: true });
      logger.info(
        { callId: response.body.id, clientRequestId: response.clientRequestId, graphRequestId: response.requestId },
        'call created',
      );
      return response.body;
    } catch (error) {
      // A failed placement is worth a log line of its own (with both request ids), whatever the caller does next.
      if (error instanceof GatewayError) logger.warn({ ...error.extensions }, 'createCall failed');
      throw error;
    }
  },

  // Incoming calls
  answerCall: (_root, { callId, input }, ctx) => {
    const body = toAnswerBody(input, ctx.callbackUrl);
    return sendAction(ctx, callId, 'POST', actionPath(callId, 'answer'), body);
  },
  rejectCall: (_root, { callId, input }, ctx) => {
    const body = toRejectBody(input);
    return sendAction(ctx, callId, 'POST', actionPath(callId, 'reject'), body);
  },
  redirectCall: (_root, { callId, input }, ctx) => {
    const body = toRedirectBody(input);
    return sendAction(ctx, callId, 'POST', actionPath(callId, 'redirect'), body);
  },

  // Established calls
  transferCall: (_root, { callId, input }, ctx) => {
    const body = toTransferBody(input);
    return sendAction(ctx, callId, 'POST', actionPath(callId, 'transfer'), body);
  },
  playPrompt: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'playPrompt'), toPlayPromptBody(input), 'playPromptOperation'),
  recordResponse: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'recordResponse'), toRecordResponseBody(input), 'recordOperation'),
  muteCall: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'mute'), toClientContextBody(input), 'muteParticipantOperation'),
  unmuteCall: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'unmute'), toClientContextBody(input), 'unmuteParticipantOperation'),
  updateRecordingStatus: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'updateRecordingStatus'), toUpdateRecordingStatusBody(input), 'updateRecordingStatusOperation'),
  subscribeToTone: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'subscribeToTone'), toClientContextBody(input), 'subscribeToToneOperation'),
  sendDtmfTones: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'sendDtmfTones'), toSendDtmfTonesBody(input), 'sendDtmfTonesOperation'),
  changeScreenSharingRole: (_root, { callId, input }, ctx) => {
    const body = toChangeScreenSharingRoleBody(input);
    return sendAction(ctx, callId, 'POST', actionPath(callId, 'changeScreenSharingRole'), body);
  },
  addLargeGalleryView: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'addLargeGalleryView'), toClientContextBody(input), 'addLargeGalleryViewOperation'),
  // keepAlive has no parameters: an empty body, which is not the caller's.
  keepAliveCall: (_root, { callId }, ctx) => sendAction(ctx, callId, 'POST', actionPath(callId, 'keepAlive')),
  cancelMediaProcessing: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'cancelMediaProcessing'), toClientContextBody(input), 'cancelMediaProcessingOperation'),
  hangUpCall: (_root, { callId }, ctx) => sendAction(ctx, callId, 'DELETE', actionPath(callId)),

  // Participants
  inviteParticipants: (_root, { callId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'participants/invite'), toInviteParticipantsBody(input), 'inviteParticipantsOperation'),
  muteParticipant: (_root, { callId, participantId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'mute', participantId), toClientContextBody(input), 'muteParticipantOperation'),
  removeParticipant: (_root, { callId, participantId }, ctx) =>
    sendAction(ctx, callId, 'DELETE', actionPath(callId, undefined, participantId)),
  startHoldMusic: (_root, { callId, participantId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'startHoldMusic', participantId), toStartHoldMusicBody(input), 'startHoldMusicOperation'),
  stopHoldMusic: (_root, { callId, participantId, input }, ctx) =>
    postOperation(ctx, actionPath(callId, 'stopHoldMusic', participantId), toClientContextBody(input), 'stopHoldMusicOperation'),
};
