import { ERROR_CODES, type ErrorCode, type ErrorFrame } from '@fabstir/wire'
import { describe, expect, it } from 'vitest'
import { errorFromNodeFrame, FabstirError, isFabstirError, troubleshootingUrl } from '../src/index.js'

/** PROTOCOL.md §8: the codes the node sends … */
const SENT_BY_NODE = [
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
] as const
/** … and the ones documented elsewhere but never sent (an SDK still maps them). */
const NEVER_SENT = [
  'INVALID_SIGNATURE',
  'SESSION_EXPIRED',
  'RATE_LIMIT',
  'AUTH_FAILED',
  'INVALID_JOB',
] as const

const frameA = (code: string, extra: Record<string, unknown> = {}) =>
  ({
    type: 'error',
    code,
    message: `node says ${code}`,
    session_id: 'sess-1',
    id: 'req-1',
    ...extra,
  }) as ErrorFrame

describe('errorFromNodeFrame — shape A', () => {
  it('knows every node code of the protocol', () => {
    for (const code of [...SENT_BY_NODE, ...NEVER_SENT]) {
      expect(ERROR_CODES[code as ErrorCode], code).toBeDefined()
      expect(ERROR_CODES[code as ErrorCode].origin).toBe('node')
    }
    for (const code of SENT_BY_NODE) expect(ERROR_CODES[code].sentByNode, code).toBe(true)
    for (const code of NEVER_SENT) expect(ERROR_CODES[code].sentByNode, code).toBe(false)
  })

  it.each([...SENT_BY_NODE, ...NEVER_SENT])('maps %s to a typed error with the same stable code', (code) => {
    const error = errorFromNodeFrame(frameA(code))
    expect(error).toBeInstanceOf(FabstirError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('FabstirError')
    expect(isFabstirError(error, code)).toBe(true)
    expect(error.code).toBe(code)
    expect(error.nodeMessage).toBe(`node says ${code}`)
    expect(error.message).toContain(code)
    expect(error.requestId).toBe('req-1')
    expect(error.sessionId).toBe('sess-1')
    expect(error.retryable).toBe(ERROR_CODES[code].retryable)
    expect(error.docsUrl).toBe(troubleshootingUrl(code))
    expect(error.fatal).toBe(false)
    expect(error.retryAfterMs).toBeUndefined()
  })

  it('retries what the table says is retryable: SESSION_KEY_NOT_FOUND is, DECRYPTION_FAILED is not', () => {
    expect(errorFromNodeFrame(frameA('SESSION_KEY_NOT_FOUND')).retryable).toBe(true)
    expect(errorFromNodeFrame(frameA('DECRYPTION_FAILED')).retryable).toBe(
      ERROR_CODES.DECRYPTION_FAILED.retryable,
    )
  })

  it('keeps TOKEN_LIMIT_EXCEEDED numbers as details', () => {
    const error = errorFromNodeFrame(
      frameA('TOKEN_LIMIT_EXCEEDED', { prompt_tokens: 9000, context_window_size: 8192 }),
    )
    expect(error.details).toEqual({ promptTokens: 9000, contextWindowSize: 8192 })
  })

  it('maps an unknown code to NODE_ERROR and keeps the node code', () => {
    const error = errorFromNodeFrame(frameA('QUOTA_BURNED'))
    expect(error.code).toBe('NODE_ERROR')
    expect(error.details).toMatchObject({ nodeCode: 'QUOTA_BURNED' })
    expect(error.nodeMessage).toBe('node says QUOTA_BURNED')
    expect(error.message).toContain('QUOTA_BURNED')
    expect(error.requestId).toBe('req-1')
    expect(error.retryable).toBe(ERROR_CODES.NODE_ERROR.retryable)
  })

  it('uses the fallback request id only when the frame has none', () => {
    const noId = { type: 'error', code: 'DECRYPTION_FAILED', message: 'm' } as ErrorFrame
    expect(errorFromNodeFrame(noId, 'req-9').requestId).toBe('req-9')
    expect(errorFromNodeFrame(noId).requestId).toBeUndefined()
    expect(errorFromNodeFrame(frameA('DECRYPTION_FAILED'), 'req-9').requestId).toBe('req-1')
  })
})

describe('errorFromNodeFrame — shape B', () => {
  it.each([
    ['Rate limit exceeded, retry after 60 seconds', 60_000],
    ['Rate limit exceeded, retry after 5 seconds', 5_000],
    ['rate limit exceeded, retry after 1 second', 1_000],
    ['Rate limit exceeded', 60_000],
  ])('maps "%s" to RATE_LIMITED with retryAfterMs %i', (message, ms) => {
    const error = errorFromNodeFrame({ type: 'error', error: message } as ErrorFrame, 'req-2')
    expect(error.code).toBe('RATE_LIMITED')
    expect(error.retryAfterMs).toBe(ms)
    expect(error.retryable).toBe(true)
    expect(error.nodeMessage).toBe(message)
    expect(error.requestId).toBe('req-2')
    expect(error.docsUrl).toMatch(/#rate_limited$/)
  })

  it('maps any other message to NODE_ERROR with the node text', () => {
    const message = 'Validation error for temperature: Temperature must be between 0.0 and 2.0'
    const error = errorFromNodeFrame({ type: 'error', error: message } as ErrorFrame, 'req-3')
    expect(error.code).toBe('NODE_ERROR')
    expect(error.nodeMessage).toBe(message)
    expect(error.requestId).toBe('req-3')
    expect(error.retryAfterMs).toBeUndefined()
  })

  it('prefers an id carried by a shape B frame', () => {
    const error = errorFromNodeFrame({ type: 'error', error: 'boom', id: 'req-4' } as ErrorFrame, 'req-3')
    expect(error.requestId).toBe('req-4')
  })
})

describe('FabstirError', () => {
  it('has a stable code, a message and context, and keeps its cause', () => {
    const cause = new Error('inner')
    const error = new FabstirError('TIMEOUT', 'no answer within 30 s', {
      cause,
      requestId: 'r',
      sessionId: 's',
      details: { timeoutMs: 30_000 },
    })
    expect(error.code).toBe('TIMEOUT')
    expect(error.message).toBe('no answer within 30 s')
    expect(error.cause).toBe(cause)
    expect(error.details).toEqual({ timeoutMs: 30_000 })
    expect(error.retryable).toBe(ERROR_CODES.TIMEOUT.retryable)
    expect(new FabstirError('TIMEOUT', 'x', { retryable: !ERROR_CODES.TIMEOUT.retryable }).retryable).toBe(
      !ERROR_CODES.TIMEOUT.retryable,
    )
    expect(isFabstirError(error)).toBe(true)
    expect(isFabstirError(error, 'ABORTED')).toBe(false)
    expect(isFabstirError(new Error('x'))).toBe(false)
  })
})
