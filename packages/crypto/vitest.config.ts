import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.mjs'

// Tests run the TypeScript sources: the package-internal `#default-backend` import (package.json "imports", which
// points at dist/) is mapped to its source file here, so no test ever mixes src and dist modules.
export default defineConfig({
  ...packageTestConfig(),
  resolve: {
    alias: {
      '#default-backend': fileURLToPath(new URL('./src/backend/node-default.ts', import.meta.url)),
    },
  },
})
