/** Emits `packages/wire/src/generated/error-codes.ts` from the schema's error code table. */
import type { ErrorCodeRow, ShapeBError } from '@fabstir/schema'
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
    if (row.origin === 'node' && row.families !== undefined && !row.sentByNode)
      throw new Error(`${row.code}: a node code used in action replies is sent by the node`)
  }
}

const ORIGIN_DOC = '`node`: a code of the node protocol (`error.code`); `client`: raised by the SDK itself.'

/**
 * Source of `error-policy.ts`: what the SDK needs at runtime about each code (origin, retryability, action), kept
 * apart from the descriptions so that bundles carry only this. Repeated action texts are emitted once.
 */
export function emitErrorPolicy(table: readonly ErrorCodeRow[]): string {
  const texts = new Map<string, string>()
  for (const r of table) if (!texts.has(r.action)) texts.set(r.action, `A${texts.size}`)
  const constants = [...texts].map(([text, name]) => `const ${name} = ${tsString(text)}\n`).join('')
  const rows = table
    .map(
      (r) => `  ${tsKey(r.code)}: [${tsString(r.origin)}, ${r.retryable ? 1 : 0}, ${texts.get(r.action)}],\n`,
    )
    .join('')
  return (
    `${tsHeader('Runtime policy of every error code: origin, retryability and recommended action.')}\n` +
    "import type { ErrorCode } from './types.js'\n\n" +
    tsDoc('What the SDK needs at runtime about one error code (see `ERROR_CODES` for the description).') +
    'export interface ErrorPolicy {\n' +
    `${tsDoc(ORIGIN_DOC, '  ')}` +
    "  origin: 'node' | 'client'\n" +
    '  /** True when repeating the operation (after `action`) can succeed. */\n' +
    '  retryable: boolean\n' +
    '  /** What the SDK or its caller should do. */\n' +
    '  action: string\n' +
    '}\n\n' +
    "type Row = readonly [origin: ErrorPolicy['origin'], retryable: 0 | 1, action: string]\n\n" +
    'function table(rows: Record<ErrorCode, Row>): Readonly<Record<ErrorCode, Readonly<ErrorPolicy>>> {\n' +
    '  const out = {} as Record<ErrorCode, Readonly<ErrorPolicy>>\n' +
    '  for (const code of Object.keys(rows) as ErrorCode[]) {\n' +
    '    const [origin, retryable, action] = rows[code]\n' +
    '    out[code] = Object.freeze({ origin, retryable: retryable === 1, action })\n' +
    '  }\n' +
    '  return Object.freeze(out)\n' +
    '}\n\n' +
    constants +
    '\n' +
    tsDoc('Origin, retryability and recommended action of every error code, in table order. Deeply frozen.') +
    `export const ERROR_POLICY: Readonly<Record<ErrorCode, Readonly<ErrorPolicy>>> = /*#__PURE__*/ table({\n${rows}})\n\n` +
    tsDoc('True when `s` is one of the {@link ErrorCode} strings.') +
    'export function isErrorCode(s: unknown): s is ErrorCode {\n' +
    "  return typeof s === 'string' && Object.hasOwn(ERROR_POLICY, s)\n" +
    '}\n'
  )
}

/** Source of `error-codes.ts`: the policy plus whether the node sends the code and what it means. */
export function emitErrorCodes(table: readonly ErrorCodeRow[]): string {
  const rows = table
    .map((r) => `  ${tsKey(r.code)}: [${r.sentByNode ? 1 : 0}, ${tsString(r.description)}],\n`)
    .join('')
  return (
    `${tsHeader('The error code table: node codes (sent or only documented) and codes the SDK raises itself.')}\n` +
    "import { ERROR_POLICY } from './error-policy.js'\n" +
    "import type { ErrorCode } from './types.js'\n\n" +
    "export { isErrorCode } from './error-policy.js'\n\n" +
    tsDoc('Everything known about one error code.') +
    'export interface ErrorCodeInfo {\n' +
    '  /** The stable code string. */\n' +
    '  code: ErrorCode\n' +
    `${tsDoc(ORIGIN_DOC, '  ')}` +
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
    'function table(rows: Record<ErrorCode, readonly [sentByNode: 0 | 1, description: string]>) {\n' +
    '  const out = {} as Record<ErrorCode, ErrorCodeInfo>\n' +
    '  for (const code of Object.keys(rows) as ErrorCode[]) {\n' +
    '    const [sent, description] = rows[code]\n' +
    '    const { origin, action, retryable } = ERROR_POLICY[code]\n' +
    '    out[code] = Object.freeze({ code, origin, sentByNode: sent === 1, description, action, retryable })\n' +
    '  }\n' +
    '  return Object.freeze(out) as Readonly<Record<ErrorCode, ErrorCodeInfo>>\n' +
    '}\n\n' +
    tsDoc('Every error code with its origin, meaning, recommended action and retryability. Deeply frozen.') +
    `export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = /*#__PURE__*/ table({\n${rows}})\n`
  )
}

/** Source of `shape-b-errors.ts`: the node's shape B texts (no `code`) mapped to stable SDK codes. */
export function emitShapeBErrors(rules: readonly ShapeBError[], table: readonly ErrorCodeRow[]): string {
  for (const r of rules) {
    const row = table.find((t) => t.code === r.code)
    if (row?.origin !== 'client') throw new Error(`shape B rule ${r.pattern}: ${r.code} is not a client code`)
    if (r.pattern.includes('/') || !r.pattern.startsWith('^')) throw new Error(`shape B pattern ${r.pattern}`)
    if (!new RegExp(r.pattern).test(r.example)) throw new Error(`shape B example does not match ${r.pattern}`)
  }
  const rows = rules
    .map(
      (r) =>
        `  { pattern: /${r.pattern}/, code: ${tsString(r.code)}, followedBy: ${tsString(r.followedBy)} },\n`,
    )
    .join('')
  return (
    `${tsHeader('Shape B errors (no code, only text) mapped to stable SDK codes.')}\n` +
    "import type { ErrorCode } from './types.js'\n\n" +
    tsDoc('One shape B text of the node and the SDK code it maps to.') +
    'export interface ShapeBErrorRule {\n' +
    '  /** Anchored, linear-time pattern matched against the `error` text. */\n' +
    '  pattern: RegExp\n' +
    '  /** Stable SDK code (origin `client`). */\n' +
    '  code: ErrorCode\n' +
    '  /** `stream_end`: a `stream_end {reason:"error"}` follows (chat); `nothing`: no follow-up (RAG). */\n' +
    "  followedBy: 'stream_end' | 'nothing'\n" +
    '}\n\n' +
    tsDoc('Every shape B text of the node, in matching order (PROTOCOL-SURFACE §2.3).') +
    `export const SHAPE_B_ERRORS: readonly ShapeBErrorRule[] = /*#__PURE__*/ Object.freeze([\n${rows}])\n\n` +
    tsDoc(
      'The stable code of a shape B error text (`{"type":"error","error":"<text>"}`): the first matching rule of ' +
        '{@link SHAPE_B_ERRORS}, else `NODE_ERROR`.',
    ) +
    'export function shapeBErrorCode(text: string): ErrorCode {\n' +
    '  for (const rule of SHAPE_B_ERRORS) if (rule.pattern.test(text)) return rule.code\n' +
    "  return 'NODE_ERROR'\n" +
    '}\n'
  )
}
