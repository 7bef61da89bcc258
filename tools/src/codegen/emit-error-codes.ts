/** Emits `packages/wire/src/generated/error-codes.ts` from the schema's error code table. */
import type { ErrorCodeRow, PackageErrorRow, ShapeBError } from '@fabstir/schema'
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

/** The distinct codes of `rows` that are not protocol codes, in first-seen order. */
export function packageOnlyCodes(table: readonly ErrorCodeRow[], rows: readonly PackageErrorRow[]): string[] {
  const protocol = new Set(table.map((r) => r.code))
  return [...new Set(rows.map((r) => r.code))].filter((c) => !protocol.has(c))
}

/** Checks that a code has one retryability everywhere it appears (protocol table and package rows). */
export function assertPackageErrorsMatch(
  table: readonly ErrorCodeRow[],
  rows: readonly PackageErrorRow[],
): void {
  const retryable = new Map(table.map((r) => [r.code, r.retryable]))
  for (const row of rows) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(row.code)) throw new Error(`package error code ${row.code} is malformed`)
    const known = retryable.get(row.code)
    if (known !== undefined && known !== row.retryable)
      throw new Error(`${row.code}: ${row.errorClass} disagrees on retryable with another row`)
    retryable.set(row.code, row.retryable)
  }
}

/** A space-delimited word list literal (`' A B '`): the smallest runtime form of a set of codes. */
function wordList(codes: readonly string[]): string {
  return tsString(` ${codes.join(' ')} `)
}

/**
 * Source of `error-policy.ts`: what the SDK needs at runtime about each code — whether the node may send it and
 * whether retrying can help — as two word lists, so that a bundle carries a few hundred bytes and no prose. What to
 * do about a code is a documentation fact (docs/troubleshooting.md, reached through `docsUrl` of every error).
 */
export function emitErrorPolicy(
  table: readonly ErrorCodeRow[],
  packageRows: readonly PackageErrorRow[],
): string {
  assertPackageErrorsMatch(table, packageRows)
  const pkgCodes = packageOnlyCodes(table, packageRows)
  const node = table.filter((r) => r.origin === 'node').map((r) => r.code)
  const retryable = [
    ...table.filter((r) => r.retryable).map((r) => r.code),
    ...pkgCodes.filter((c) => packageRows.find((r) => r.code === c)?.retryable),
  ]
  return (
    `${tsHeader('Runtime facts of every error code: whether the node may send it, and whether retrying can help.')}\n` +
    "import type { ErrorCode } from './types.js'\n\n" +
    tsDoc(
      "Codes of the errors the SDK's packages throw outside the protocol (`CryptoError`, `SignerError`, " +
        '`WireJsonError`, the simulator and the conformance suite); all documented in docs/troubleshooting.md.',
    ) +
    `export type PackageErrorCode =\n${pkgCodes.map((c) => `  | ${tsString(c)}\n`).join('')}\n` +
    tsDoc(
      'Every code a `FabstirBaseError` (any error of the SDK) can carry: protocol codes and package codes.',
    ) +
    'export type FabstirBaseErrorCode = ErrorCode | PackageErrorCode\n\n' +
    tsDoc('What the SDK needs at runtime about one error code (see `ERROR_CODES` for the description).') +
    'export interface ErrorPolicy {\n' +
    `${tsDoc(ORIGIN_DOC, '  ')}` +
    "  origin: 'node' | 'client'\n" +
    '  /** True when repeating the operation can succeed. */\n' +
    '  retryable: boolean\n' +
    '}\n\n' +
    `const NODE_CODES = ${wordList(node)}\n` +
    `const RETRYABLE_CODES = ${wordList(retryable)}\n\n` +
    'function listed(list: string, s: unknown): boolean {\n' +
    // biome-ignore lint/suspicious/noTemplateCurlyInString: emitted source, not a template of this file
    "  return typeof s === 'string' && /^\\w+$/.test(s) && list.includes(` ${s} `)\n" +
    '}\n\n' +
    tsDoc(
      'True when `s` is a code of the node protocol (origin `node`), as opposed to one the SDK raises itself.',
    ) +
    'export function isNodeErrorCode(s: unknown): s is ErrorCode {\n' +
    '  return listed(NODE_CODES, s)\n' +
    '}\n\n' +
    tsDoc('True when repeating an operation that failed with `code` can succeed (false for unknown codes).') +
    'export function isRetryableCode(code: string): boolean {\n' +
    '  return listed(RETRYABLE_CODES, code)\n' +
    '}\n\n' +
    'function table(codes: string): Readonly<Record<ErrorCode, Readonly<ErrorPolicy>>> {\n' +
    '  const out = {} as Record<ErrorCode, Readonly<ErrorPolicy>>\n' +
    "  for (const code of codes.split(' ') as ErrorCode[]) {\n" +
    "    out[code] = Object.freeze({ origin: isNodeErrorCode(code) ? 'node' : 'client', retryable: isRetryableCode(code) })\n" +
    '  }\n' +
    '  return Object.freeze(out)\n' +
    '}\n\n' +
    tsDoc('Origin and retryability of every protocol error code, in table order. Deeply frozen.') +
    `export const ERROR_POLICY: Readonly<Record<ErrorCode, Readonly<ErrorPolicy>>> = /*#__PURE__*/ table(${tsString(table.map((r) => r.code).join(' '))})\n\n` +
    tsDoc('True when `s` is one of the {@link ErrorCode} strings.') +
    'export function isErrorCode(s: unknown): s is ErrorCode {\n' +
    "  return typeof s === 'string' && Object.hasOwn(ERROR_POLICY, s)\n" +
    '}\n'
  )
}

/** Source of `error-codes.ts`: the policy plus whether the node sends the code, what it means and what to do. */
export function emitErrorCodes(
  table: readonly ErrorCodeRow[],
  packageRows: readonly PackageErrorRow[],
): string {
  const rows = table
    .map(
      (r) =>
        `  ${tsKey(r.code)}: [${r.sentByNode ? 1 : 0}, ${tsString(r.description)}, ${tsString(r.action)}],\n`,
    )
    .join('')
  const pkgCodes = packageOnlyCodes(table, packageRows)
  return (
    `${tsHeader('The error code table: node codes (sent or only documented) and codes the SDK raises itself.')}\n` +
    "import { ERROR_POLICY, type PackageErrorCode } from './error-policy.js'\n" +
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
    '  /** What the SDK or its caller should do (the short form; docs/troubleshooting.md has the long one). */\n' +
    '  action: string\n' +
    '  /** True when repeating the operation (after `action`) can succeed. */\n' +
    '  retryable: boolean\n' +
    '}\n\n' +
    'type Row = readonly [sentByNode: 0 | 1, description: string, action: string]\n\n' +
    'function table(rows: Record<ErrorCode, Row>) {\n' +
    '  const out = {} as Record<ErrorCode, ErrorCodeInfo>\n' +
    '  for (const code of Object.keys(rows) as ErrorCode[]) {\n' +
    '    const [sent, description, action] = rows[code]\n' +
    '    const { origin, retryable } = ERROR_POLICY[code]\n' +
    '    out[code] = Object.freeze({ code, origin, sentByNode: sent === 1, description, action, retryable })\n' +
    '  }\n' +
    '  return Object.freeze(out) as Readonly<Record<ErrorCode, ErrorCodeInfo>>\n' +
    '}\n\n' +
    tsDoc('Every error code with its origin, meaning, recommended action and retryability. Deeply frozen.') +
    `export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = /*#__PURE__*/ table({\n${rows}})\n\n` +
    tsDoc(
      'The codes of the package errors that are not protocol codes (`PackageErrorCode`), in table order; together ' +
        'with the keys of {@link ERROR_CODES} every code a `FabstirBaseError` can carry.',
    ) +
    `export const PACKAGE_ERROR_CODES: readonly PackageErrorCode[] = /*#__PURE__*/ Object.freeze([\n${pkgCodes.map((c) => `  ${tsString(c)},\n`).join('')}])\n`
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
