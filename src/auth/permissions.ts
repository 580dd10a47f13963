import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Permission } from '../config/security.js';

const ALL_PERMISSIONS: readonly Permission[] = [
  'callRecords.read',
  'pstnCalls.read',
  'calls.read',
  'calls.create',
  'calls.answer',
  'calls.control',
  'calls.record',
];

/**
 * What each root field needs. A root field missing here needs every permission (fail closed), and a test
 * keeps this table in step with the schema. Introspection and `_service` need only authentication.
 */
export const ROOT_FIELD_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = Object.freeze({
  'Query.call': ['calls.read'],
  'Query.calls': ['calls.read'],
  'Query.callRecord': ['callRecords.read'],
  'Query.callRecords': ['callRecords.read'],
  'Query.callRecordsByIds': ['callRecords.read'],
  'Query.callsByIds': ['calls.read'],
  // The call logs: phone numbers and charges (DirectRoutingCall.callRecord also needs callRecords.read, below)
  'Query.pstnCalls': ['pstnCalls.read'],
  'Query.directRoutingCalls': ['pstnCalls.read'],
  'Mutation.createCall': ['calls.create'],
  // Incoming calls
  'Mutation.answerCall': ['calls.answer'],
  'Mutation.rejectCall': ['calls.answer'],
  'Mutation.redirectCall': ['calls.answer'],
  // Calls the application is in
  'Mutation.transferCall': ['calls.control'],
  'Mutation.playPrompt': ['calls.control'],
  'Mutation.muteCall': ['calls.control'],
  'Mutation.unmuteCall': ['calls.control'],
  'Mutation.sendDtmfTones': ['calls.control'],
  'Mutation.changeScreenSharingRole': ['calls.control'],
  'Mutation.addLargeGalleryView': ['calls.control'],
  'Mutation.keepAliveCall': ['calls.control'],
  'Mutation.cancelMediaProcessing': ['calls.control'],
  'Mutation.hangUpCall': ['calls.control'],
  'Mutation.inviteParticipants': ['calls.control'],
  'Mutation.muteParticipant': ['calls.control'],
  'Mutation.removeParticipant': ['calls.control'],
  'Mutation.startHoldMusic': ['calls.control'],
  'Mutation.stopHoldMusic': ['calls.control'],
  // Capturing what participants say or key in, and declaring recording
  'Mutation.recordResponse': ['calls.record'],
  'Mutation.subscribeToTone': ['calls.record'],
  'Mutation.updateRecordingStatus': ['calls.record'],
  // Live calls
  'Subscription.callUpdated': ['calls.read'],
  'Subscription.incomingCall': ['calls.read'],
  // Call records as Graph announces them
  'Subscription.callRecordCreated': ['callRecords.read'],
  'Subscription.callRecordUpdated': ['callRecords.read'],
  'Query._service': [],
  'Query.__schema': [],
  'Query.__type': [],
  'Query.__typename': [],
  'Mutation.__typename': [],
  'Subscription.__typename': [],
});

/**
 * Fields below a root field that reach data of another permission: root field -> field name -> permissions. A field of
 * that name anywhere under the root field counts (through fragments, like root fields), so a call log cannot be used
 * to read call records.
 */
const NESTED_FIELD_PERMISSIONS: Readonly<Record<string, Readonly<Record<string, readonly Permission[]>>>> = Object.freeze({
  'Query.directRoutingCalls': { callRecord: ['callRecords.read'] },
});

/** Federation entities by `__typename`; an unknown type needs every read permission. */
const ENTITY_PERMISSIONS: Readonly<Record<string, Permission>> = Object.freeze({
  CallRecord: 'callRecords.read',
  Call: 'calls.read',
});

/**
 * The permissions an operation needs, from its root fields (through fragments, ignoring `@skip` and
 * `@include`, so a conditional field still counts) and, for `_entities`, from each representation's
 * `__typename` (variables resolved).
 */
export function requiredPermissions(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): Set<Permission> {
  const rootType = operation.operation === 'mutation' ? 'Mutation' : operation.operation === 'subscription' ? 'Subscription' : 'Query';
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  const needed = new Set<Permission>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          visit(fragment);
        }
      } else if (selection.name.value === '_entities') {
        const representations = selection.arguments?.find((a) => a.name.value === 'representations');
        for (const permission of entityPermissions(representations ? valueOf(representations.value, variables) : undefined))
          needed.add(permission);
      } else {
        const rootField = `${rootType}.${selection.name.value}`;
        const permissions = ROOT_FIELD_PERMISSIONS[rootField] ?? ALL_PERMISSIONS;
        for (const permission of permissions) needed.add(permission);
        const nested = NESTED_FIELD_PERMISSIONS[rootField];
        if (nested && selection.selectionSet) {
          for (const name of fieldNamesBelow(selection.selectionSet, fragments)) {
            for (const permission of nested[name] ?? []) needed.add(permission);
          }
        }
      }
    }
  };
  visit(operation.selectionSet);
  return needed;
}

/** Every field name selected below a selection set, through fragments (each fragment once). */
function fieldNamesBelow(set: SelectionSetNode, fragments: ReadonlyMap<string, SelectionSetNode>): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (current: SelectionSetNode): void => {
    for (const selection of current.selections) {
      if (selection.kind === Kind.FIELD) {
        names.add(selection.name.value);
        if (selection.selectionSet) walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment);
      }
    }
  };
  walk(set);
  return names;
}

function entityPermissions(representations: unknown): Permission[] {
  if (!Array.isArray(representations) || representations.length === 0) return ['callRecords.read', 'calls.read'];
  return representations.flatMap((r): Permission[] => {
    const typename = typeof r === 'object' && r !== null ? (r as { __typename?: unknown }).__typename : undefined;
    const permission = typeof typename === 'string' ? ENTITY_PERMISSIONS[typename] : undefined;
    return permission ? [permission] : ['callRecords.read', 'calls.read'];
  });
}

/** A literal or variable argument as a plain value (enough for `__typename` in representations). */
export function valueOf(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => valueOf(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, valueOf(f.value, variables)]));
  }
}
