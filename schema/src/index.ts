/**
 * `@fabstir/schema` — the single source of truth of the Fabstir wire protocol, as TypeBox schemas. `tools/codegen`
 * walks {@link SCHEMAS} and {@link ERROR_CODE_TABLE} to generate `@fabstir/wire`, its JSON Schema files and
 * `docs/protocol.md`.
 * @packageDocumentation
 */
export { AadHex, CiphertextHex, EncryptedPayload, NonceHex, RequestId, SessionId } from './common.js'
export * as docs from './docs.js'
export { type ActionFamily, ERROR_CODE_TABLE, ErrorCode, type ErrorCodeRow } from './errors.js'
export { type ErrorClassName, PACKAGE_ERROR_ROWS, type PackageErrorRow } from './errors-packages.js'
export {
  ACTION_ERROR_ROWS,
  NEVER_SENT_SURFACE_ROWS,
  SHAPE_B_ERRORS,
  SHAPE_B_ROWS,
  type ShapeBError,
  type ShapeBFollowUp,
} from './errors-surface.js'
export * from './frames/cancel.js'
export * from './frames/client.js'
export * from './frames/inference.js'
export * from './frames/node.js'
export * from './frames/rag.js'
export * from './frames/unions.js'
export * from './inner/action-error.js'
export * from './inner/actions.js'
export * from './inner/image.js'
export * from './inner/ltx.js'
export * from './inner/transcode.js'
export {
  HEX_KEYWORD,
  type HexRule,
  ID_PREFIX,
  MAX_JSON_BYTES_KEYWORD,
  PATTERN_MESSAGE_KEYWORD,
  U32_MAX,
  U64_KEYWORD,
  U64_MAX,
} from './keywords.js'
export { IMAGE_FORMATS, MAX_IMAGE_BASE64_CHARS, PromptImage, PromptRequest, Thinking } from './prompt.js'
export {
  SCHEMA_FAMILIES,
  SCHEMAS,
  type SchemaEntry,
  type SchemaFamily,
  type SchemaGroup,
} from './registry.js'
export { SessionData, VectorDatabase } from './session-data.js'
