import { EXAMPLE_OPERATIONS } from '../../src/schema/examples.js';
import type { Stack } from './stack.js';

/** The README's example operations, in the order the README (and the explorer's tabs) show them. */
export const README_OPERATION_NAMES = [
  'RecentCallRecords',
  'NextCallRecords',
  'OneCall',
  'PlaceCall',
  'WatchCall',
  'IncomingCalls',
  'PstnCalls',
  'DirectRoutingCalls',
  'CallRecordsByIds',
  'NewCallRecords',
];

/** Runs one of the README's example operations by name against a stack, as a reader pasting it would. */
export async function runExample(stack: Stack, operationName: string, variables: Record<string, unknown>) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName, variables }),
  });
  // The example operations' result shapes differ; the tests read them field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await response.json()) as { data?: Record<string, any> | null; errors?: unknown[] };
}
