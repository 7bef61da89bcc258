import { describe, expect, it } from 'vitest'
import {
  type CheckResult,
  checkClientFrame,
  checkConnectedFrame,
  checkEncryptedChunkFrame,
  checkEncryptedMessageFrame,
  checkEncryptedResponseFrame,
  checkEncryptedSessionInitFrame,
  checkErrorFrame,
  checkNodeFrame,
  checkPromptFrame,
  checkSessionInitAckFrame,
  checkSessionInitFrame,
  checkStreamCancelFrame,
  checkStreamChunkFrame,
  checkStreamEndFrame,
  parseJson,
  type WireIssue,
} from '../src/index.js'
import { FIXTURES, fixture, NONCE } from './fixtures.js'

const CHECKERS: Record<string, (v: unknown) => CheckResult<unknown>> = {
  connected: checkConnectedFrame,
  encrypted_session_init: checkEncryptedSessionInitFrame,
  encrypted_message: checkEncryptedMessageFrame,
  stream_cancel: checkStreamCancelFrame,
  session_init: checkSessionInitFrame,
  prompt: checkPromptFrame,
  session_init_ack: checkSessionInitAckFrame,
  encrypted_chunk: checkEncryptedChunkFrame,
  encrypted_response: checkEncryptedResponseFrame,
  stream_end: checkStreamEndFrame,
  stream_chunk: checkStreamChunkFrame,
  error: checkErrorFrame,
}

function issuesOf(result: CheckResult<unknown>): WireIssue[] {
  if (result.ok) throw new TypeError('expected the check to fail')
  return result.issues
}

function paths(result: CheckResult<unknown>): string[] {
  return issuesOf(result).map((i) => i.path)
}

describe('PROTOCOL.md example frames', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s validates', (_name, f) => {
    const value = parseJson(f.text) as { type: string }
    const checker = CHECKERS[value.type]
    expect(checker).toBeDefined()
    expect(checker!(value)).toEqual({ ok: true, value })
    const dispatched = f.direction === 'node' ? checkNodeFrame(value) : checkClientFrame(value)
    expect(dispatched.ok).toBe(true)
    // A frame is never valid in the other direction.
    const other = f.direction === 'node' ? checkClientFrame(value) : checkNodeFrame(value)
    expect(paths(other)).toEqual(['/type'])
  })

  it('every frame type has a fixture', () => {
    const types = new Set(FIXTURES.map((f) => (JSON.parse(f.text) as { type: string }).type))
    expect([...types].sort()).toEqual(Object.keys(CHECKERS).sort())
  })
})

describe('mutated frames', () => {
  it('reports a missing payload field with its JSON Pointer', () => {
    const f = fixture('encrypted_session_init')
    delete (f.payload as Record<string, unknown>).nonceHex
    expect(issuesOf(checkEncryptedSessionInitFrame(f))).toEqual([
      { path: '/payload/nonceHex', message: 'is required' },
    ])
  })

  it('reports a missing payload', () => {
    const f = fixture('encrypted_message')
    delete f.payload
    expect(paths(checkEncryptedMessageFrame(f))).toEqual(['/payload'])
  })

  it('rejects a numeric session_id', () => {
    const f = fixture('encrypted_session_init')
    f.session_id = 42
    const [issue] = issuesOf(checkEncryptedSessionInitFrame(f))
    expect(issue?.path).toBe('/session_id')
    expect(issue?.message).toMatch(/must be a string/)
  })

  it('rejects a numeric request id', () => {
    const f = fixture('encrypted_message')
    f.id = 7
    expect(paths(checkEncryptedMessageFrame(f))).toEqual(['/id'])
  })

  it('rejects odd-length hex', () => {
    const f = fixture('encrypted_message')
    ;(f.payload as Record<string, unknown>).aadHex = 'abc'
    const [issue] = issuesOf(checkEncryptedMessageFrame(f))
    expect(issue).toEqual({
      path: '/payload/aadHex',
      message: 'must have an even number of hex digits (got 3)',
    })
  })

  it('rejects non-hex characters and an uppercase 0X prefix, accepts 0x and uppercase digits', () => {
    const f = fixture('encrypted_message')
    const payload = f.payload as Record<string, unknown>
    payload.ciphertextHex = `${'ab'.repeat(20)}zz`
    expect(issuesOf(checkEncryptedMessageFrame(f))[0]?.message).toMatch(/invalid character at offset 40/)
    payload.ciphertextHex = `0X${'ab'.repeat(20)}`
    expect(paths(checkEncryptedMessageFrame(f))).toEqual(['/payload/ciphertextHex'])
    payload.ciphertextHex = `0x${'AB'.repeat(20)}`
    payload.nonceHex = `0x${NONCE[0]!.toUpperCase()}`
    expect(checkEncryptedMessageFrame(f).ok).toBe(true)
  })

  it('rejects a nonce that is not 24 bytes', () => {
    const f = fixture('encrypted_chunk')
    ;(f.payload as Record<string, unknown>).nonceHex = 'aa'.repeat(23)
    expect(issuesOf(checkEncryptedChunkFrame(f))).toEqual([
      {
        path: '/payload/nonceHex',
        message: 'must be 24 bytes (48 hex digits), got 23 bytes (46 hex digits)',
      },
    ])
    ;(f.payload as Record<string, unknown>).nonceHex = 'aa'.repeat(12)
    expect(paths(checkEncryptedChunkFrame(f))).toEqual(['/payload/nonceHex'])
  })

  it('checks the ephemeral key and signature sizes', () => {
    const f = fixture('encrypted_session_init')
    const payload = f.payload as Record<string, unknown>
    payload.ephPubHex = `04${'11'.repeat(64)}` // 65 bytes: uncompressed is accepted
    expect(checkEncryptedSessionInitFrame(f).ok).toBe(true)
    payload.ephPubHex = '11'.repeat(64)
    payload.signatureHex = '11'.repeat(64)
    const issues = issuesOf(checkEncryptedSessionInitFrame(f))
    expect(issues.map((i) => i.path)).toEqual(['/payload/ephPubHex', '/payload/signatureHex'])
    expect(issues[0]?.message).toMatch(/must be 33 or 65 bytes/)
  })

  it('rejects a ciphertext shorter than the 16-byte tag', () => {
    const f = fixture('encrypted_response')
    ;(f.payload as Record<string, unknown>).ciphertextHex = 'aa'.repeat(15)
    expect(issuesOf(checkEncryptedResponseFrame(f))[0]?.message).toMatch(/at least 16 bytes/)
  })

  it('reports every issue, not only the first', () => {
    const f = fixture('encrypted_chunk')
    f.session_id = null
    f.tokens = -1
    f.final = 'yes'
    const payload = f.payload as Record<string, unknown>
    delete payload.index
    payload.aadHex = 5
    expect(paths(checkEncryptedChunkFrame(f))).toEqual([
      '/session_id',
      '/tokens',
      '/final',
      '/payload/aadHex',
      '/payload/index',
    ])
  })

  it('accepts unknown extra properties at every level', () => {
    const f = fixture('encrypted_session_init')
    f.sessionId = 'alias'
    f.extra = { anything: [1, 2, 3] }
    ;(f.payload as Record<string, unknown>).future = true
    expect(checkEncryptedSessionInitFrame(f).ok).toBe(true)
    const end = fixture('stream_end (complete)')
    ;(end.usage as Record<string, unknown>).cached_tokens = 4
    expect(checkStreamEndFrame(end).ok).toBe(true)
  })

  it('checks the echoed client address format', () => {
    const f = fixture('session_init_ack (encrypted)')
    f.client_address = '0xA69B2D97DA06895AB33F19E7CC2353F1A0E91E73'
    expect(issuesOf(checkSessionInitAckFrame(f))).toEqual([
      { path: '/client_address', message: 'must be 0x followed by 40 lowercase hex digits' },
    ])
  })

  it('accepts a u64 or null job_id in the ack and rejects other types', () => {
    const f = fixture('session_init_ack (encrypted)')
    f.job_id = 18446744073709551615n
    expect(checkSessionInitAckFrame(f).ok).toBe(true)
    f.job_id = '12'
    expect(issuesOf(checkSessionInitAckFrame(f))).toEqual([
      { path: '/job_id', message: 'must be a non-negative integer (u64: number or bigint) or null' },
    ])
  })

  it('checks nested usage fields of stream_end', () => {
    const f = fixture('stream_end (complete)')
    ;(f.usage as Record<string, unknown>).total_tokens = '13'
    expect(paths(checkStreamEndFrame(f))).toEqual(['/usage/total_tokens'])
    f.tokens_used = -1
    expect(paths(checkStreamEndFrame(f))).toEqual(['/tokens_used', '/usage/total_tokens'])
  })

  it('accepts stream_end without reason or tokens_used (error paths and older nodes omit them)', () => {
    expect(checkStreamEndFrame({ type: 'stream_end', id: 'r1', session_id: 's1' }).ok).toBe(true)
    expect(checkStreamEndFrame({ type: 'stream_end', reason: 'error' }).ok).toBe(true)
  })

  it('reports a non-object at the root', () => {
    for (const v of [null, 'connected', 3, [], undefined]) {
      expect(issuesOf(checkConnectedFrame(v))).toEqual([
        { path: '', message: expect.stringMatching(/^must be an object/) },
      ])
    }
  })

  it('rejects a wrong literal type', () => {
    expect(issuesOf(checkConnectedFrame({ type: 'connecting' }))).toEqual([
      { path: '/type', message: "must be 'connected'" },
    ])
  })

  it('validates the plaintext prompt frame bounds', () => {
    const f = fixture('prompt')
    f.max_tokens = 2 ** 32
    f.temperature = 2.5
    expect(paths(checkPromptFrame(f))).toEqual(['/max_tokens', '/temperature'])
  })

  it('does not put offending values into messages', () => {
    const secret = 'my private prompt'
    const f = {
      ...fixture('prompt'),
      max_tokens: secret,
      temperature: secret,
      model: { secret },
      session_id: [secret],
    }
    const issues = issuesOf(checkPromptFrame(f))
    expect(issues.map((i) => i.path)).toEqual(['/session_id', '/max_tokens', '/temperature', '/model'])
    expect(JSON.stringify(issues)).not.toContain('private')
    const frame = fixture('encrypted_message')
    ;(frame.payload as Record<string, unknown>).nonceHex = `zz${'ab'.repeat(23)}`
    expect(JSON.stringify(issuesOf(checkEncryptedMessageFrame(frame)))).not.toContain('abab')
  })
})
