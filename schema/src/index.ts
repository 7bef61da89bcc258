/**
 * `@fabstir/schema` — the single source of truth of the Fabstir wire protocol, as TypeBox schemas. `tools/codegen`
 * walks {@link SCHEMAS} and {@link ERROR_CODE_TABLE} to generate `@fabstir/wire`, its JSON Schema files and
 * `docs/protocol.md`.
 * @packageDocumentation
 */
export { AadHex, CiphertextHex, EncryptedPayload, NonceHex, RequestId, SessionId } from './common.js'
export * as docs from './docs.js'
export { ERROR_CODE_TABLE, ErrorCode, type ErrorCodeRow } from './errors.js'
export * from './frames/client.js'
export * from './frames/node.js'
export * from './frames/unions.js'
export {
  HEX_KEYWORD,
  type HexRule,
  ID_PREFIX,
  PATTERN_MESSAGE_KEYWORD,
  U32_MAX,
  U64_KEYWORD,
  U64_MAX,
} from './keywords.js'
export { PromptImage, PromptRequest } from './prompt.js'
export { SCHEMAS, type SchemaEntry, type SchemaGroup } from './registry.js'
export { SessionData, VectorDatabase } from './session-data.js'
