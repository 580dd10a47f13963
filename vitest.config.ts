import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node resolves `graphql` to the CJS one for
    // Apollo Server; Vite would hand our sources the ESM one, and graphql refuses schemas from "another
    // realm". Resolve it the way Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'simulator/test/**/*.test.ts'],
    // Each file starts its own simulator and gateway on port 0; two cores run two files at a time.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
