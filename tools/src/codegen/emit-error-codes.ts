/** Emits `packages/wire/src/generated/error-codes.ts` from the schema's error code table. */
import type { ErrorCodeRow } from '@fabstir/schema'
import { tsDoc, tsHeader, tsKey, tsString } from './header.js'
import type { NamedSchema } from './model.js'

/** Checks that the `ErrorCode` schema lists exactly the table's codes, in order. */
export function assertErrorCodesMatch(model: Map<string, NamedSchema>, table: readonly ErrorCodeRow[]): void {
  const node = model.get('ErrorCode')?.node
  if (node?.kind !== 'union') throw new Error('ErrorCode schema missing or not a union')
  const codes = node.branches.map((b) => (b.kind === 'const' ? b.value : undefined))
  if (codes.join() !== table.map((r) => r.code).join())
    throw new Error('ErrorCode schema and error table disagree')
  if (new Set(codes).size !== codes.length) throw new Error('duplicate error code')
  for (const row of table) {
    if (row.origin === 'client' && row.sentByNode)
      throw new Error(`${row.code}: a client code cannot be sent by node`)
  }
}

/** Source of `error-codes.ts`. */
export function emitErrorCodes(table: readonly ErrorCodeRow[]): string {
  const rows = table
    .map(
      (r) =>
        `  ${tsKey(r.code)}: Object.freeze({\n` +
        `    code: ${tsString(r.code)},\n` +
        `    origin: ${tsString(r.origin)},\n` +
        `    sentByNode: ${r.sentByNode},\n` +
        `    description: ${tsString(r.description)},\n` +
        `    action: ${tsString(r.action)},\n` +
        `    retryable: ${r.retryable},\n` +
        '  }),\n',
    )
    .join('')
  return (
    `${tsHeader('The error code table: node codes (sent or only documented) and codes the SDK raises itself.')}\n` +
    "import type { ErrorCode } from './types.js'\n\n" +
    tsDoc('Everything known about one error code.') +
    'export interface ErrorCodeInfo {\n' +
    '  /** The stable code string. */\n' +
    '  code: ErrorCode\n' +
    '  /** `node`: a code of the node protocol (`error.code`); `client`: raised by the SDK itself. */\n' +
    "  origin: 'node' | 'client'\n" +
    '  /** True when the real node actually sends this code (some node codes are documented but never sent). */\n' +
    '  sentByNode: boolean\n' +
    '  /** What the code means. */\n' +
    '  description: string\n' +
    '  /** What the SDK or its caller should do. */\n' +
    '  action: string\n' +
    '  /** True when repeating the operation (after `action`) can succeed. */\n' +
    '  retryable: boolean\n' +
    '}\n\n' +
    tsDoc('Every error code with its origin, meaning, recommended action and retryability. Deeply frozen.') +
    `export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = Object.freeze({\n${rows}})\n\n` +
    tsDoc('True when `s` is one of the {@link ErrorCode} strings.') +
    'export function isErrorCode(s: unknown): s is ErrorCode {\n' +
    "  return typeof s === 'string' && Object.hasOwn(ERROR_CODES, s)\n" +
    '}\n'
  )
}
