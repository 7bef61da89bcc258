import { bytesToHex, getPublicKey } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { createNodeCore, type Logger } from '../src/index.js'
import { FrameQueue } from './helpers/frame-queue.js'
import { buildInit, collectEncrypted, promptFrame } from './helpers/protocol-client.js'
import { gatedResponder } from './helpers/sim.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

/** A connection driven directly, without any socket. */
function direct(core: ReturnType<typeof createNodeCore>) {
  const q = new FrameQueue()
  let transportClosed = false
  const conn = core.openConnection(
    (text) => q.push(text),
    () => {
      transportClosed = true
    },
  )
  const client = {
    q,
    send: (f: Record<string, unknown> | string) =>
      conn.receive(typeof f === 'string' ? f : JSON.stringify(f)),
    request: async (f: Record<string, unknown>) => {
      client.send(f)
      return q.next()
    },
  }
  return { conn, client, q, transportClosed: () => transportClosed }
}

describe('sans-IO node core', () => {
  it('sends connected synchronously and answers an init synchronously', async () => {
    const core = createNodeCore()
    const { client, q } = direct(core)
    expect(q.pending).toBe(1)
    expect(await q.next()).toEqual({ type: 'connected', message: 'WebSocket connected successfully' })
    const init = buildInit({ nodePublicKey: core.publicKey, sessionId: 'core-1' })
    client.send(init.frame)
    expect(q.pending).toBe(1)
    expect((await q.next()).type).toBe('session_init_ack')
    client.send(promptFrame('core-1', init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(q, init.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('derives publicKey/address from a given key (hex or bytes) and validates options', () => {
    const bytes = new Uint8Array(32).fill(7)
    const a = createNodeCore({ privateKey: bytes })
    const b = createNodeCore({ privateKey: bytesToHex(bytes) })
    expect(a.publicKey).toBe(`0x${bytesToHex(getPublicKey(bytes))}`)
    expect(b.address).toBe(a.address)
    expect(createNodeCore().publicKey).not.toBe(createNodeCore().publicKey)
    const invalid = [
      { privateKey: 'zz' },
      { privateKey: new Uint8Array(32) },
      { rateLimitPerMinute: 0 },
      { contextWindowSize: 1.5 },
      { chunkDelayMs: -1 },
    ]
    for (const opts of invalid) {
      expect(() => createNodeCore(opts), JSON.stringify(opts)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      )
    }
  })

  it('echoes any JSON id verbatim, including numbers, u64 values and objects', async () => {
    const core = createNodeCore()
    const { conn, q } = direct(core)
    await q.next()
    conn.receive('{"type":"encrypted_message","session_id":"none","id":18446744073709551615}')
    conn.receive('{"type":"encrypted_message","session_id":"none","id":{"n":[1,2.5]}}')
    conn.receive('{"type":"encrypted_message","session_id":"none","id":null}')
    await q.next()
    await q.next()
    await q.next()
    expect(q.texts.slice(1)).toEqual([
      '{"type":"error","code":"SESSION_KEY_NOT_FOUND","message":"No session key found for session_id: none","id":18446744073709551615}',
      '{"type":"error","code":"SESSION_KEY_NOT_FOUND","message":"No session key found for session_id: none","id":{"n":[1,2.5]}}',
      '{"type":"error","code":"SESSION_KEY_NOT_FOUND","message":"No session key found for session_id: none","id":null}',
    ])
  })

  it('receive never throws, whatever it is fed', async () => {
    const core = createNodeCore()
    const { conn, client, q } = direct(core)
    await q.next()
    for (const junk of [
      '',
      '{',
      'null',
      '{"type":"encrypted_session_init","payload":{"ephPubHex":1}}',
      '\u0000',
    ]) {
      expect(() => conn.receive(junk)).not.toThrow()
    }
    expect(() => conn.receive(undefined as unknown as string)).not.toThrow()
    await q.next() // the INVALID_PAYLOAD reply to the fourth frame
    await expectNoReplyBefore(client)
  })

  it('idle resolves when the stream ends; close() stops it and nothing more is sent', async () => {
    const gate = gatedResponder(['a'], ['b'])
    const core = createNodeCore({ responder: gate.responder })
    const { conn, client, q } = direct(core)
    await q.next()
    const init = buildInit({ nodePublicKey: core.publicKey, sessionId: 'idle', jobId: '5' })
    await client.request(init.frame)
    await conn.idle
    client.send(promptFrame('idle', init.sessionKey, 'x'))
    await q.next()
    conn.close()
    expect(conn.closed).toBe(true)
    gate.release()
    await conn.idle
    expect(q.pending).toBe(0)
    conn.receive(JSON.stringify({ type: 'session_init', id: 'after-close' }))
    expect(q.pending).toBe(0)
    expect(core.settledJobs).toEqual([{ jobId: '5', sessionId: 'idle', connectionId: conn.id }])
    conn.close()
    expect(core.settledJobs).toHaveLength(1)
  })

  it('closeMidStream calls the transport close hook', async () => {
    const core = createNodeCore({ faults: { closeMidStream: 0 } })
    const d = direct(core)
    await d.q.next()
    const init = buildInit({ nodePublicKey: core.publicKey, sessionId: 'cm' })
    await d.client.request(init.frame)
    d.client.send(promptFrame('cm', init.sessionKey, 'What is 2+2?'))
    await d.conn.idle
    expect(d.transportClosed()).toBe(true)
    expect(d.conn.closed).toBe(true)
    expect(d.q.pending).toBe(1)
  })

  it('restart() clears keys and the rate window; sessionCount tracks the store', async () => {
    let now = 0
    const core = createNodeCore({ rateLimitPerMinute: 1, now: () => now })
    const { client, q } = direct(core)
    await q.next()
    const init = buildInit({ nodePublicKey: core.publicKey, sessionId: 'r' })
    await client.request(init.frame)
    expect(core.sessionCount).toBe(1)
    client.send(promptFrame('r', init.sessionKey, 'What is 2+2?'))
    await collectEncrypted(q, init.sessionKey)
    client.send(promptFrame('r', init.sessionKey, 'What is 2+2?', { n: 1, id: 'limited' }))
    expect((await q.next()).error).toBe('Rate limit exceeded, retry after 60 seconds')
    await q.next()
    core.restart()
    expect(core.sessionCount).toBe(0)
    now += 1
    const again = buildInit({ nodePublicKey: core.publicKey, sessionId: 'r' })
    await client.request(again.frame)
    client.send(promptFrame('r', again.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(q, again.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('the logger never receives keys, session data or prompt text', async () => {
    const lines: string[] = []
    const record =
      (level: string) =>
      (message: string, context?: Record<string, unknown>): void => {
        lines.push(`${level} ${message} ${JSON.stringify(context ?? {})}`)
      }
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    }
    const core = createNodeCore({ logger })
    const { client, q } = direct(core)
    await q.next()
    const init = buildInit({ nodePublicKey: core.publicKey, sessionId: 'log', jobId: '3' })
    await client.request(init.frame)
    client.send(promptFrame('log', init.sessionKey, 'my very private prompt'))
    const r = await collectEncrypted(q, init.sessionKey)
    client.send(
      buildInit({ nodePublicKey: core.publicKey, sessionDataText: '{"sessionKey":"SESSION_KEY","jobId":3}' })
        .frame,
    )
    await q.next()
    const all = lines.join('\n')
    expect(lines.length).toBeGreaterThan(2)
    expect(all).toContain('encrypted session initialised')
    expect(all).not.toContain('private prompt')
    expect(all).not.toContain(r.text)
    expect(all).not.toContain(bytesToHex(init.sessionKey))
    expect(all).not.toContain('tiny-vicuna')
  })
})
