import { describe, expect, it } from 'vitest'
import {
  CHAT_CLIENT_FRAME_TYPES,
  CHAT_NODE_FRAME_TYPES,
  CLIENT_FRAME_TYPES,
  checkClientFrame,
  checkErrorFrame,
  checkNodeFrame,
  NODE_FRAME_TYPES,
} from '../src/index.js'
import { FIXTURES, fixture } from './fixtures.js'

describe('frame type lists', () => {
  it('lists every node and client frame type', () => {
    expect(NODE_FRAME_TYPES).toEqual([
      ...CHAT_NODE_FRAME_TYPES,
      'uploadVectorsResponse',
      'searchVectorsResponse',
    ])
    expect(CLIENT_FRAME_TYPES).toEqual([
      ...CHAT_CLIENT_FRAME_TYPES,
      'inference',
      'uploadVectors',
      'searchVectors',
      'transcode_cancel',
      'ltx_cancel',
    ])
    expect(CHAT_NODE_FRAME_TYPES).toEqual([
      'connected',
      'session_init_ack',
      'encrypted_chunk',
      'encrypted_response',
      'stream_end',
      'stream_chunk',
      'error',
    ])
    expect(CHAT_CLIENT_FRAME_TYPES).toEqual([
      'encrypted_session_init',
      'encrypted_message',
      'stream_cancel',
      'session_init',
      'prompt',
    ])
    expect(Object.isFrozen(NODE_FRAME_TYPES)).toBe(true)
    expect(Object.isFrozen(CHAT_NODE_FRAME_TYPES)).toBe(true)
  })

  it('agrees with the fixtures', () => {
    for (const f of FIXTURES) {
      const type = (JSON.parse(f.text) as { type: string }).type
      const list: readonly string[] = f.direction === 'node' ? NODE_FRAME_TYPES : CLIENT_FRAME_TYPES
      expect(list).toContain(type)
    }
  })
})

describe('checkNodeFrame / checkClientFrame', () => {
  it('rejects an unknown type at /type', () => {
    const result = checkNodeFrame({ type: 'encrypted_chunkz' })
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: '/type', message: expect.stringMatching(/^must be a known frame type: one of 'connected'/) },
      ],
    })
    expect(checkClientFrame({ type: 'connected' })).toMatchObject({ ok: false, issues: [{ path: '/type' }] })
  })

  it('reports a missing or non-string type', () => {
    expect(checkNodeFrame({})).toEqual({ ok: false, issues: [{ path: '/type', message: 'is required' }] })
    expect(checkClientFrame({ type: 1 })).toEqual({
      ok: false,
      issues: [{ path: '/type', message: 'must be a string (got integer)' }],
    })
    expect(checkNodeFrame('{"type":"connected"}')).toMatchObject({ ok: false, issues: [{ path: '' }] })
  })

  it("reports the matched frame's own issues", () => {
    const f = fixture('encrypted_chunk')
    ;(f.payload as Record<string, unknown>).index = 1.5
    expect(checkNodeFrame(f)).toEqual({
      ok: false,
      issues: [{ path: '/payload/index', message: 'must be an integer (got non-integer number)' }],
    })
  })

  it('narrows the type on success', () => {
    const result = checkNodeFrame(fixture('encrypted_chunk'))
    if (!result.ok || result.value.type !== 'encrypted_chunk')
      throw new TypeError('expected an encrypted_chunk')
    expect(result.value.payload.index).toBe(0)
  })
})

describe('error frames', () => {
  it('accepts shape A and shape B', () => {
    const a = checkErrorFrame({ type: 'error', code: 'DECRYPTION_FAILED', message: 'nope', id: 'r1' })
    const b = checkErrorFrame({ type: 'error', error: 'Rate limit exceeded, retry after 60 seconds' })
    expect(a.ok && b.ok).toBe(true)
    if (a.ok && 'code' in a.value) expect(a.value.code).toBe('DECRYPTION_FAILED')
  })

  it('accepts unknown codes (the node may add some)', () => {
    expect(checkErrorFrame({ type: 'error', code: 'SOMETHING_NEW', message: 'x' }).ok).toBe(true)
  })

  it('reports the issues of the closest shape', () => {
    expect(checkNodeFrame({ type: 'error', code: 'DECRYPTION_FAILED' })).toEqual({
      ok: false,
      issues: [{ path: '/message', message: 'is required' }],
    })
    expect(checkNodeFrame({ type: 'error', error: 3 })).toEqual({
      ok: false,
      issues: [{ path: '/error', message: 'must be a string (got integer)' }],
    })
    expect(checkNodeFrame({ type: 'error' })).toMatchObject({ ok: false, issues: [{ path: '/error' }] })
  })

  it('checks token limit fields', () => {
    const f = fixture('error shape A (token limit)')
    f.prompt_tokens = -5
    expect(checkNodeFrame(f)).toMatchObject({ ok: false, issues: [{ path: '/prompt_tokens' }] })
  })
})
