/**
 * Package entry point: `@fabstir/schema` has no build step and no `exports` map, so Node-style resolution (tsx, tsc)
 * lands here.
 * @packageDocumentation
 */
export * from './src/index.js'
