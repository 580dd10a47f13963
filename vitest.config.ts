import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  test: {
    projects: [
      {
        resolve: {
          // graphql 16 ships CJS (main) and ESM (module) builds. Node resolves `graphql` to the CJS one for
          // Apollo Server; Vite would hand our sources the ESM one, and graphql refuses schemas from "another
          // realm". Resolve it the way Node does.
          alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
        },
        ssr: {
          resolve: {
            // @comms-graphql/simulator from its TypeScript sources, so tests need no build of it. The rest
            // are Vitest's own defaults for Node, which this list replaces.
            conditions: ['comms-graphql-source', 'node', 'development|production'],
          },
        },
        test: {
          name: 'gateway',
          include: ['test/**/*.test.ts'],
          // The explorer bundle from the current sources, for the tests that open it in a browser.
          globalSetup: ['test/helpers/explorerBundle.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      // The simulator package's own tests, with its own config (simulator/vitest.config.ts).
      'simulator',
    ],
    // Each file starts its own simulator and gateway on port 0; two cores run two files at a time, across
    // both projects.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
