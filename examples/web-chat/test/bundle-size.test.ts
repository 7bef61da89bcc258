import { describe, expect, it } from 'vitest'
import {
  budget,
  formatReport,
  fullSurfaceEntry,
  isForbiddenModule,
  markdownReport,
  measureBundle,
  packageOf,
} from '../scripts/bundle-size.mjs'

/** The CI budget of the chat-only app (size-budget.json): the achieved size plus a small margin. */
const GZIP_BUDGET_BYTES = budget.chatOnlyGzipBytes
/** Validator modules a chat-only app must not ship (they tree-shake per family). */
const OTHER_FAMILIES = ['image', 'transcode', 'ltx', 'rag', 'inference', 'surface']

describe('browser bundle of the SDK', () => {
  it('contains no ws, no Node built-in, no eval, and stays under the gzip ceiling', async () => {
    const report = await measureBundle()
    expect(report.forbidden).toEqual([])
    const offending = report.inputs.filter((path) => packageOf(path) === 'ws' || /(^|\/)node:/.test(path))
    expect(offending).toEqual([])
    const names = report.packages.map((p) => p.name)
    expect(names).toEqual(
      expect.arrayContaining(['@fabstir/crypto', '@fabstir/protocol', '@fabstir/transport-ws']),
    )
    // The browser socket factory was chosen (the `browser` condition of `#socket-factory`).
    expect(report.inputs.some((p) => p.endsWith('transport-ws/dist/socket-browser.js'))).toBe(true)
    expect(report.inputs.some((p) => p.endsWith('transport-ws/dist/socket-node.js'))).toBe(false)
    expect(report.minifiedBytes).toBeLessThan(report.rawBytes)
    expect(report.gzipBytes).toBeLessThan(report.minifiedBytes)
    expect(report.gzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES)
    expect(formatReport(report)).toContain('OK: no ws, no Node built-ins')
  })

  it('ships only the chat validators and the compact error policy, not the other families or descriptions', async () => {
    const report = await measureBundle()
    const wire = report.packages.find((p) => p.name === '@fabstir/wire')
    const shipped = (wire?.files ?? []).filter((f) => f.bytes > 0).map((f) => f.path)
    expect(shipped.some((p) => p.endsWith('generated/validators/chat.js'))).toBe(true)
    for (const family of OTHER_FAMILIES) {
      expect(shipped.filter((p) => p.endsWith(`generated/validators/${family}.js`))).toEqual([])
    }
    expect(shipped.filter((p) => p.endsWith('generated/error-codes.js'))).toEqual([])
  })

  it('carries no error prose and no general SHA-3 hasher (the cuts of issue #13)', async () => {
    const report = await measureBundle()
    const file = (pkg: string, name: string) =>
      report.packages.find((p) => p.name === pkg)?.files.find((f) => f.path.endsWith(name))?.bytes ?? 0
    // Two word lists of codes (origin, retryability); what to do is in the docs (docsUrl). With the action texts: 5.4 KB.
    expect(file('@fabstir/wire', 'generated/error-policy.js')).toBeGreaterThan(0)
    expect(file('@fabstir/wire', 'generated/error-policy.js')).toBeLessThan(2000)
    // keccakP and its round constants only (crypto's own sponge); noble's Keccak hasher class made it 3.7 KB.
    expect(file('@noble/hashes', '/sha3.js')).toBeGreaterThan(0)
    expect(file('@noble/hashes', '/sha3.js')).toBeLessThan(2000)
  })

  it('carries no plaintext protocol: encrypted-only apps neither ship nor can enable it (issue #13, #14)', async () => {
    const report = await measureBundle()
    const shipped = report.packages.flatMap((p) => p.files.map((f) => f.path))
    expect(shipped.some((p) => p.endsWith('protocol/dist/encrypted-session.js'))).toBe(true)
    expect(
      shipped.filter((p) => p.endsWith('plaintext-session.js') || p.endsWith('client/plaintext.js')),
    ).toEqual([])
  })

  it('measures the full-surface app: every family present, larger than the chat-only app', async () => {
    const chat = await measureBundle()
    const full = await measureBundle({ entry: fullSurfaceEntry })
    expect(full.forbidden).toEqual([])
    const wire = full.packages.find((p) => p.name === '@fabstir/wire')
    for (const family of ['chat', ...OTHER_FAMILIES]) {
      const file = wire?.files.find((f) => f.path.endsWith(`generated/validators/${family}.js`))
      expect(file?.bytes, family).toBeGreaterThan(0)
    }
    expect(full.gzipBytes).toBeGreaterThan(chat.gzipBytes)
    const md = markdownReport(chat, full)
    expect(md).toContain(`| chat-only `)
    expect(md).toContain(`${full.gzipBytes} B`)
  })

  it('flags ws, Node built-ins and eval when they are imported (the check can fail)', async () => {
    const report = await measureBundle({
      contents: [
        "import WebSocket from 'ws'",
        "import { createHash } from 'node:crypto'",
        "import { EventEmitter } from 'events'",
        'export const probe = [WebSocket, createHash, EventEmitter, (0, eval)("1")]',
      ].join('\n'),
    })
    const text = report.forbidden.join('\n')
    expect(text).toContain('ws (imported by')
    expect(text).toContain('node:crypto (imported by')
    expect(text).toContain('events (imported by')
    expect(text).toContain('eval in the minified bundle')
    expect(formatReport(report)).toContain('FAIL')
  })

  it('classifies module specifiers and input paths', () => {
    for (const m of ['ws', 'node:fs', 'crypto', 'buffer', 'events', 'fs/promises', 'stream/web']) {
      expect(isForbiddenModule(m)).toBe(true)
    }
    for (const m of ['@noble/ciphers/chacha.js', 'wsx', '@fabstir/crypto', 'cryptography']) {
      expect(isForbiddenModule(m)).toBe(false)
    }
    expect(
      packageOf('../../node_modules/.pnpm/@noble+curves@2.4.0/node_modules/@noble/curves/secp256k1.js'),
    ).toBe('@noble/curves')
    expect(packageOf('../../node_modules/.pnpm/ws@8.18.3/node_modules/ws/index.js')).toBe('ws')
    expect(packageOf('../../packages/transport-ws/dist/client.js')).toBe('@fabstir/transport-ws')
    expect(packageOf('scripts/size-entry.ts')).toBe('(app)')
  })
})
