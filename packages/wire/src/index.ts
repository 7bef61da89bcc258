/**
 * `@fabstir/wire` — types and ahead-of-time compiled validators of every frame of the Fabstir E2E encrypted
 * WebSocket protocol (both directions), the decrypted session-data and prompt objects, the error code table, and a
 * lossless JSON codec for u64 integers. Zero runtime dependencies; no `eval`.
 *
 * `src/generated/` is generated from `schema/` by `pnpm codegen` — do not edit it by hand.
 * @packageDocumentation
 */
export {
  FabstirBaseError,
  FabstirError,
  type FabstirErrorCode,
  type FabstirErrorOptions,
  isFabstirBaseError,
  isFabstirError,
  MAX_ERROR_MESSAGE_CHARS,
  TROUBLESHOOTING_URL,
  troubleshootingUrl,
  walkCauses,
} from './errors.js'
export { ERROR_CODES, type ErrorCodeInfo, PACKAGE_ERROR_CODES } from './generated/error-codes.js'
export {
  ERROR_POLICY,
  type ErrorPolicy,
  type FabstirBaseErrorCode,
  isErrorCode,
  isNodeErrorCode,
  isRetryableCode,
  type PackageErrorCode,
} from './generated/error-policy.js'
export * from './generated/frame-types.js'
export { SHAPE_B_ERRORS, type ShapeBErrorRule, shapeBErrorCode } from './generated/shape-b-errors.js'
export type * from './generated/types.js'
export * from './generated/validators.js'
export type { CheckResult, WireIssue } from './issues.js'
export {
  parseJson,
  parseJsonUnlocated,
  parseJsonWith,
  stringifyJson,
  WireJsonError,
  type WireJsonErrorCode,
} from './json.js'
export { type JsonBuilder, JsonRejection } from './json-exact.js'
export {
  FRAME_JSON_LIMITS,
  type JsonLimits,
  MAX_FRAME_BYTES,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
} from './json-scan.js'
export { capNodeText, MAX_NODE_TEXT_CHARS } from './node-text.js'
export { U64_MAX } from './runtime.js'
