import { describe, expect, it } from 'vitest'
import { ERROR_CODES, type ErrorCode, isErrorCode } from '../src/index.js'

// PROTOCOL.md §8: every code the node sends, and the documented ones it never sends.
const SENT = [
  'ENCRYPTION_NOT_SUPPORTED',
  'MISSING_PAYLOAD',
  'INVALID_PAYLOAD',
  'MISSING_PAYLOAD_FIELDS',
  'INVALID_HEX_ENCODING',
  'INVALID_NONCE_SIZE',
  'DECRYPTION_FAILED',
  'MISSING_SESSION_ID',
  'SESSION_KEY_NOT_FOUND',
  'INVALID_UTF8',
  'ENCRYPTION_FAILED',
  'TOKEN_LIMIT_EXCEEDED',
]
// PROTOCOL-SURFACE.md §2.2: codes only inside encrypted action replies (plus TIMEOUT, an SDK code the node also sends).
const ACTION = [
  'RATE_LIMIT_EXCEEDED',
  'VALIDATION_FAILED',
  'PROMPT_BLOCKED',
  'DIFFUSION_SERVICE_UNAVAILABLE',
  'IMAGE_GENERATION_FAILED',
  'SIDECAR_UNAVAILABLE',
  'TRANSCODE_CAPACITY_FULL',
  'SUBMIT_FAILED',
  'POLL_FAILED',
  'MODERATION_UNAVAILABLE',
  'CONTENT_FLAGGED',
  'CONTENT_BLOCKED',
  'CAPACITY',
  'GENERATION_FAILED',
]
const NEVER_SENT = ['INVALID_SIGNATURE', 'SESSION_EXPIRED', 'RATE_LIMIT', 'AUTH_FAILED', 'INVALID_JOB']
// PROTOCOL-SURFACE.md §2.3: documented elsewhere (or defined in the node source) but never sent on /v1/ws.
const NEVER_SENT_SURFACE = [
  'MODEL_UNAVAILABLE',
  'MODEL_UNAUTHORIZED',
  'CONTEXT_TOO_LARGE',
  'CIRCUIT_OPEN',
  'MANIFEST_NOT_FOUND',
  'MANIFEST_DOWNLOAD_FAILED',
  'CHUNK_DOWNLOAD_FAILED',
  'OWNER_MISMATCH',
  'DIMENSION_MISMATCH',
  'MEMORY_LIMIT_EXCEEDED',
  'INVALID_PATH',
  'INVALID_SESSION_KEY',
  'EMPTY_DATABASE',
  'INDEX_BUILD_FAILED',
  'SESSION_NOT_FOUND',
  'INTERNAL_ERROR',
]
const CLIENT = [
  'RATE_LIMITED',
  'NODE_ERROR',
  'CLIENT_ADDRESS_MISMATCH',
  'CHUNK_OUT_OF_ORDER',
  'STREAM_TRUNCATED',
  'INVALID_FRAME',
  'PROMPT_IN_FLIGHT',
  'INVALID_PROMPT',
  'INVALID_STATE',
  'UNSUPPORTED_SIGNER',
  'CONNECTION_LOST',
  'TIMEOUT',
  'ABORTED',
  'SESSION_CLOSED',
]

describe('ERROR_CODES', () => {
  it('has exactly the node codes (sent and never sent) and at least the required client codes', () => {
    const all = Object.values(ERROR_CODES)
    expect(all.filter((i) => i.origin === 'node').map((i) => i.code)).toEqual([
      ...SENT,
      ...NEVER_SENT,
      ...ACTION,
      ...NEVER_SENT_SURFACE,
    ])
    expect(all.filter((i) => i.origin === 'client').map((i) => i.code)).toEqual(
      expect.arrayContaining(CLIENT),
    )
  })

  it('marks origin and sentByNode', () => {
    for (const code of SENT)
      expect(ERROR_CODES[code as ErrorCode]).toMatchObject({ origin: 'node', sentByNode: true })
    for (const code of [...NEVER_SENT, ...NEVER_SENT_SURFACE]) {
      expect(ERROR_CODES[code as ErrorCode]).toMatchObject({ origin: 'node', sentByNode: false })
    }
    for (const code of ACTION)
      expect(ERROR_CODES[code as ErrorCode]).toMatchObject({ origin: 'node', sentByNode: true })
    expect(ERROR_CODES.TIMEOUT).toMatchObject({ origin: 'client', sentByNode: false, retryable: true })
    for (const code of CLIENT) {
      expect(ERROR_CODES[code as ErrorCode]).toMatchObject({ origin: 'client', sentByNode: false })
    }
    for (const info of Object.values(ERROR_CODES))
      if (info.origin === 'client') expect(info.sentByNode).toBe(false)
  })

  it('has a complete, self-consistent entry per code', () => {
    for (const [key, info] of Object.entries(ERROR_CODES)) {
      expect(info.code).toBe(key)
      expect(info.description.length).toBeGreaterThan(10)
      expect(info.action.length).toBeGreaterThan(5)
      expect(typeof info.retryable).toBe('boolean')
    }
  })

  it('flags the retryable codes', () => {
    const retryable = Object.values(ERROR_CODES)
      .filter((i) => i.retryable)
      .map((i) => i.code)
    expect(retryable).toEqual(
      expect.arrayContaining(['SESSION_KEY_NOT_FOUND', 'RATE_LIMITED', 'TIMEOUT', 'CONNECTION_LOST']),
    )
    expect(retryable).not.toContain('DECRYPTION_FAILED')
    expect(retryable).not.toContain('CLIENT_ADDRESS_MISMATCH')
  })

  it('is deeply frozen', () => {
    expect(Object.isFrozen(ERROR_CODES)).toBe(true)
    expect(Object.isFrozen(ERROR_CODES.TIMEOUT)).toBe(true)
  })
})

describe('isErrorCode', () => {
  it('recognises codes and nothing else', () => {
    expect(isErrorCode('SESSION_KEY_NOT_FOUND')).toBe(true)
    expect(isErrorCode('RATE_LIMITED')).toBe(true)
    for (const v of ['toString', '__proto__', 'constructor', 'timeout', '', 1, null, undefined, {}]) {
      expect(isErrorCode(v)).toBe(false)
    }
  })
})
