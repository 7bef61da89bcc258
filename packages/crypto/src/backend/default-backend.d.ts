/**
 * Type of the package-internal `#default-backend` import, which package.json maps per platform:
 * `node` → `./dist/backend/node-default.js`, anything else → `./dist/backend/noble-default.js`. Both modules
 * implement `DefaultBackendModule` from `./types.ts`; a test checks their shape at run time.
 */
declare module '#default-backend' {
  export const defaultBackend: import('./types.js').DefaultBackendModule['defaultBackend']
  export const builtinBackends: import('./types.js').DefaultBackendModule['builtinBackends']
}
