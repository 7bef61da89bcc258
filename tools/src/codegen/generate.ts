/** Generates every output file in memory, from the schema registry. Pure and deterministic. */
import { ERROR_CODE_TABLE, PACKAGE_ERROR_ROWS, SCHEMAS, SHAPE_B_ERRORS } from '@fabstir/schema'
import { emitDocs } from './emit-docs.js'
import {
  assertErrorCodesMatch,
  emitErrorCodes,
  emitErrorPolicy,
  emitShapeBErrors,
} from './emit-error-codes.js'
import { emitJsonSchemas } from './emit-json-schema.js'
import { emitTypes } from './emit-types.js'
import { emitFrameTypes, emitValidators } from './emit-validators.js'
import { buildModel } from './model.js'

/** Directories fully owned by the generator (relative to the repository root): any other file in them is stale. */
export const GENERATED_DIRS = ['packages/wire/src/generated', 'packages/wire/json-schema'] as const

/** Every generated file: repository-relative path (forward slashes) → content. */
export function generateAll(): Map<string, string> {
  const model = buildModel(SCHEMAS)
  assertErrorCodesMatch(model, ERROR_CODE_TABLE)
  const files = new Map<string, string>()
  const gen = 'packages/wire/src/generated'
  files.set(`${gen}/types.ts`, emitTypes(model))
  for (const [path, content] of emitValidators(model)) files.set(`${gen}/${path}`, content)
  files.set(`${gen}/frame-types.ts`, emitFrameTypes(model))
  files.set(`${gen}/error-codes.ts`, emitErrorCodes(ERROR_CODE_TABLE, PACKAGE_ERROR_ROWS))
  files.set(`${gen}/error-policy.ts`, emitErrorPolicy(ERROR_CODE_TABLE, PACKAGE_ERROR_ROWS))
  files.set(`${gen}/shape-b-errors.ts`, emitShapeBErrors(SHAPE_B_ERRORS, ERROR_CODE_TABLE))
  for (const [name, content] of emitJsonSchemas(model, ERROR_CODE_TABLE)) {
    files.set(`packages/wire/json-schema/${name}`, content)
  }
  files.set('docs/protocol.md', emitDocs(model, ERROR_CODE_TABLE))
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
