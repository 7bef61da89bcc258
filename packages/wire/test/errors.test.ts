import { describe, expect, it } from 'vitest'
import {
  ERROR_CODES,
  ERROR_POLICY,
  FabstirBaseError,
  type FabstirBaseErrorCode,
  FabstirError,
  isFabstirBaseError,
  isFabstirError,
  isNodeErrorCode,
  isRetryableCode,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_NODE_TEXT_CHARS,
  PACKAGE_ERROR_CODES,
  parseJson,
  troubleshootingUrl,
  WireJsonError,
  walkCauses,
} from '../src/index.js'

const ALL_CODES: FabstirBaseErrorCode[] = [
  ...(Object.keys(ERROR_CODES) as FabstirBaseErrorCode[]),
  ...PACKAGE_ERROR_CODES,
]

describe('FabstirBaseError (the one base class) and FabstirError', () => {
  it('keeps the constructor signature (code, message, options) and carries the viem-style fields', () => {
    const cause = new Error('socket reset')
    const e = new FabstirError('TIMEOUT', 'timed out after 10 ms', {
      cause,
      requestId: 'r1',
      sessionId: 's1',
      details: { phase: 'ack' },
    })
    expect(e).toBeInstanceOf(Error)
    expect(e).toBeInstanceOf(FabstirBaseError)
    expect(isFabstirBaseError(e, 'TIMEOUT')).toBe(true)
    expect(e.name).toBe('FabstirError')
    expect(e.code).toBe('TIMEOUT')
    expect(e.message).toBe('timed out after 10 ms')
    expect(e.shortMessage).toBe(e.message)
    expect(e.details).toEqual({ phase: 'ack' })
    expect(e.cause).toBe(cause)
    expect(e.docsUrl).toBe(troubleshootingUrl('TIMEOUT'))
    expect(e.docsUrl.endsWith('docs/troubleshooting.md#timeout')).toBe(true)
    expect(e.retryable).toBe(true)
    expect(e.fatal).toBe(false)
    expect('action' in e).toBe(false)
  })

  it('has no own `cause` when none was given', () => {
    expect(Object.hasOwn(new FabstirError('ABORTED', 'x'), 'cause')).toBe(false)
  })

  it('bounds its message (4 KB) and the node text (1 KB, marked as the node’s), keeping the raw node text apart', () => {
    const huge = 'n'.repeat(100_000)
    const e = new FabstirError('NODE_ERROR', `node error: ${huge}`, { nodeMessage: huge })
    expect(e.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS + 40)
    expect(e.message).toMatch(/…\(\d+ more chars\)$/)
    expect(e.nodeMessage!.length).toBeLessThanOrEqual(MAX_NODE_TEXT_CHARS + 40)
    expect(e.nodeMessage).toMatch(/…\(98976 more chars\)$/)
    expect(e.nodeMessageRaw).toBe(huge)
    expect(Object.keys(e)).not.toContain('nodeMessageRaw')
    expect(JSON.stringify(e)).not.toContain(huge)
  })

  it('bounds the message of subclasses too', () => {
    const e = new WireJsonError('x'.repeat(50_000))
    expect(e.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS + 40)
  })
})

describe('retryable', () => {
  it('is the table value for every code, and false for a mismatch of signer, client address or node key', () => {
    for (const code of Object.keys(ERROR_POLICY) as (keyof typeof ERROR_POLICY)[]) {
      expect(new FabstirError(code, 'x').retryable, code).toBe(ERROR_POLICY[code].retryable)
      expect(isRetryableCode(code), code).toBe(ERROR_CODES[code].retryable)
    }
    for (const code of ['CLIENT_ADDRESS_MISMATCH', 'SIGNER_MISMATCH', 'NODE_KEY_MISMATCH'] as const) {
      expect(new FabstirBaseError(code, 'x').retryable, code).toBe(false)
    }
    expect(new FabstirBaseError('SIGNING_FAILED', 'x').retryable).toBe(true)
    expect(new FabstirBaseError('SIGNER_MISMATCH', 'x').retryable).toBe(false)
    expect(new FabstirError('SESSION_KEY_NOT_FOUND', 'x').retryable).toBe(true)
  })

  it('an option can lower it but never raise it (a mismatch stays non-retryable)', () => {
    expect(new FabstirError('CLIENT_ADDRESS_MISMATCH', 'x', { retryable: true }).retryable).toBe(false)
    expect(new FabstirBaseError('SIGNER_MISMATCH', 'x', { retryable: true }).retryable).toBe(false)
    expect(new FabstirError('CONNECTION_FAILED', 'x', { retryable: false }).retryable).toBe(false)
    expect(new FabstirError('RATE_LIMITED', 'x', { retryable: true }).retryable).toBe(true)
  })

  it('is false for codes outside the table and for text that only contains a retryable code', () => {
    expect(isRetryableCode('NOT_A_CODE')).toBe(false)
    expect(isRetryableCode('TIMEOUT TIMEOUT')).toBe(false)
    expect(isRetryableCode('')).toBe(false)
  })
})

describe('isNodeErrorCode', () => {
  it('accepts exactly the node-origin codes', () => {
    for (const code of Object.keys(ERROR_POLICY) as (keyof typeof ERROR_POLICY)[]) {
      expect(isNodeErrorCode(code), code).toBe(ERROR_POLICY[code].origin === 'node')
    }
    for (const code of PACKAGE_ERROR_CODES) expect(isNodeErrorCode(code), code).toBe(false)
    expect(isNodeErrorCode('DECRYPTION_FAILED MISSING_PAYLOAD')).toBe(false)
    expect(isNodeErrorCode(42)).toBe(false)
  })
})

describe('walk()', () => {
  const root = new Error('ECONNRESET')
  const middle = new WireJsonError('bad frame', { cause: root })
  const top = new FabstirError('INVALID_FRAME', 'inbound frame is not JSON', { cause: middle })

  it('without a predicate returns the deepest cause', () => {
    expect(top.walk()).toBe(root)
    const alone = new FabstirError('ABORTED', 'x')
    expect(alone.walk()).toBe(alone)
  })

  it('with a predicate returns the first match, starting with the error itself, or null', () => {
    expect(top.walk((e) => e instanceof WireJsonError)).toBe(middle)
    expect(top.walk((e) => e instanceof FabstirBaseError)).toBe(top)
    expect(top.walk((e) => e === root)).toBe(root)
    expect(top.walk(() => false)).toBeNull()
  })

  it('reaches non-Error causes and stops on a cycle', () => {
    expect(new FabstirError('SIGNER_FAILED', 'x', { cause: 'wallet said no' }).walk()).toBe('wallet said no')
    const a = new FabstirError('TIMEOUT', 'a')
    const b = new FabstirError('TIMEOUT', 'b', { cause: a })
    Object.defineProperty(a, 'cause', { value: b })
    expect(walkCauses(b)).toBe(a)
    expect(b.walk((e) => e === 'never')).toBeNull()
  })
})

describe('codes', () => {
  it('every code has a docs link and one retryability; package codes are not node codes', () => {
    expect(new Set(ALL_CODES).size).toBe(ALL_CODES.length)
    for (const code of ALL_CODES) {
      const e = new FabstirBaseError(code, 'x')
      expect(e.docsUrl).toBe(troubleshootingUrl(code))
      expect(isFabstirBaseError(e, code)).toBe(true)
      expect(isFabstirError(e)).toBe(false)
    }
    expect(PACKAGE_ERROR_CODES).toContain('SIGNER_MISMATCH')
    expect(PACKAGE_ERROR_CODES).toContain('INVALID_HEX')
  })

  it('WireJsonError is a FabstirError with its code and position', () => {
    try {
      parseJson('{"a":')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(WireJsonError)
      expect(e).toBeInstanceOf(FabstirBaseError)
      // Not a session error: code that re-throws session errors as they are still wraps it.
      expect(e).not.toBeInstanceOf(FabstirError)
      expect(isFabstirBaseError(e, 'INVALID_JSON')).toBe(true)
      expect((e as WireJsonError).name).toBe('WireJsonError')
      expect(typeof (e as WireJsonError).position).toBe('number')
      expect((e as WireJsonError).retryable).toBe(false)
    }
  })
})
