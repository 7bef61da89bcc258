import { bytesToHex, keccak256, publicKeyToAddress, sha256, signDigest, utf8ToBytes } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { expectedAnswer } from '../src/index.js'
import { buildInit, collectEncrypted, newWallet, openWith, promptFrame } from './helpers/protocol-client.js'
import { useSims } from './helpers/sim.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

const sims = useSims()
const HEX = /^[0-9a-f]+$/

describe('encrypted session over a real WebSocket', () => {
  it('greets, acks the init and streams an encrypted answer in the exact node format', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const wallet = newWallet()
    const { init, ack, sid } = await sims.session(sim, { wallet, jobId: '12345', id: 'init-7' }, client)
    expect(ack).toEqual({
      type: 'session_init_ack',
      status: 'success',
      session_id: sid,
      job_id: 12345,
      chain_id: 84532,
      client_address: wallet.address,
      message: 'Encrypted session initialized successfully',
      id: 'init-7',
    })
    expect(sim.core.sessionCount).toBe(1)

    client.send(promptFrame(sid, init.sessionKey, 'What is 2+2?', { id: 'msg-1' }))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['2', ' +', ' 2', ' =', ' 4.', ''])
    expect(r.text).toBe('2 + 2 = 4.')
    r.chunks.forEach((c, i) => {
      const last = i === r.chunks.length - 1
      expect(Object.keys(c).sort()).toEqual(
        last
          ? ['final', 'id', 'payload', 'session_id', 'tokens', 'type']
          : ['id', 'payload', 'session_id', 'tokens', 'type'],
      )
      expect(c.id).toBe('msg-1')
      expect(c.session_id).toBe(sid)
      expect(c.tokens).toBe(last ? 0 : 1)
      expect(c.payload.index).toBe(i)
      expect(c.payload.aadHex).toBe(bytesToHex(utf8ToBytes(`chunk_${i}`)))
      expect(c.payload.nonceHex).toMatch(HEX)
      expect(c.payload.nonceHex).toHaveLength(48)
      expect(c.payload.ciphertextHex).toMatch(HEX)
    })
    const nonces = new Set([...r.chunks.map((c) => c.payload.nonceHex), r.response.payload.nonceHex])
    expect(nonces.size).toBe(r.chunks.length + 1)
    expect(r.response).toEqual({
      type: 'encrypted_response',
      id: 'msg-1',
      session_id: sid,
      payload: {
        ciphertextHex: expect.stringMatching(HEX),
        nonceHex: expect.stringMatching(HEX),
        aadHex: bytesToHex(utf8ToBytes('encrypted_response_final')),
      },
    })
    expect(r.finishReason).toBe('stop')
    expect(r.end).toEqual({
      type: 'stream_end',
      reason: 'complete',
      tokens_used: 5,
      id: 'msg-1',
      session_id: sid,
      finish_reason: 'stop',
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8, context_window_size: 8192 },
    })
  })

  it('never puts the prompt, the answer or the session key on the wire', async () => {
    const wire: string[] = []
    const sim = await sims.start({ onFrame: (_dir, text) => wire.push(text) })
    const { client, init, sid } = await sims.session(sim)
    const prompt = 'Tell me a secret about zebras'
    client.send(promptFrame(sid, init.sessionKey, JSON.stringify({ prompt, max_tokens: 50 })))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.text).toBe(expectedAnswer(prompt))
    const all = wire.join('\n')
    expect(wire.length).toBeGreaterThan(5)
    expect(all).not.toContain('zebras')
    expect(all).not.toContain(r.text)
    expect(all.toLowerCase()).not.toContain(bytesToHex(init.sessionKey))
  })

  it('resets the chunk index for every prompt of a multi-prompt session (AAD message_N)', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    const prompts = ['What is 2+2?', 'first question here', 'second one']
    for (const [n, prompt] of prompts.entries()) {
      client.send(promptFrame(sid, init.sessionKey, prompt, { id: `m${n}`, n }))
      const r = await collectEncrypted(client.q, init.sessionKey)
      expect(r.chunks[0]?.payload.index).toBe(0)
      expect(r.chunks.map((c) => c.id)).toEqual(r.chunks.map(() => `m${n}`))
      expect(r.text).toBe(expectedAnswer(prompt))
      expect(r.end.tokens_used).toBe(r.chunks.length - 1)
    }
  })

  it('honours max_tokens: stops with finish_reason "length" while encrypted_response stays "stop"', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, JSON.stringify({ prompt: 'What is 2+2?', max_tokens: 2 })))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['2', ' +', ''])
    expect(r.text).toBe(expectedAnswer('What is 2+2?', 2))
    expect(r.finishReason).toBe('stop')
    expect(r.end.finish_reason).toBe('length')
    expect(r.end.tokens_used).toBe(2)
  })

  it('accepts the JSON prompt object, model/temperature from the outer frame, and a bare prompt string', async () => {
    const seen: unknown[] = []
    const sim = await sims.start({
      responder: async function* (req) {
        seen.push(req)
        yield 'ok'
      },
    })
    const { client, init, sid } = await sims.session(sim)
    client.send(
      promptFrame(
        sid,
        init.sessionKey,
        JSON.stringify({ prompt: 'p1', thinking: 'low', web_search: true, max_searches: 2 }),
      ),
    )
    await collectEncrypted(client.q, init.sessionKey)
    client.send({
      ...promptFrame(sid, init.sessionKey, 'bare text', { n: 1 }),
      model: 'outer-model',
      temperature: 1.5,
    })
    await collectEncrypted(client.q, init.sessionKey)
    client.send(
      promptFrame(sid, init.sessionKey, JSON.stringify({ model: 'm', note: 'no prompt field' }), { n: 2 }),
    )
    await collectEncrypted(client.q, init.sessionKey)
    expect(seen[0]).toEqual({
      prompt: 'p1',
      thinking: 'low',
      web_search: true,
      max_searches: 2,
      model: 'tiny-vicuna',
      max_tokens: 4000,
      temperature: 0.7,
    })
    expect(seen[1]).toEqual({ prompt: 'bare text', model: 'outer-model', max_tokens: 4000, temperature: 1.5 })
    // Without a string `prompt` field the whole plaintext is the prompt (node quirk).
    expect(seen[2]).toMatchObject({ prompt: '{"model":"m","note":"no prompt field"}', model: 'm' })
  })

  it('uses the connection session when encrypted_message carries no session id, and accepts sessionId', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(undefined, init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(client.q, init.sessionKey)).text).toBe('2 + 2 = 4.')
    const frame = promptFrame(undefined, init.sessionKey, 'What is 2+2?', { n: 1 })
    client.send({ ...frame, sessionId: sid })
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.end.session_id).toBe(sid)
  })

  it('accepts uncompressed ephemeral keys, 0x/uppercase hex, a 0x sessionKey, v=27/28 and unknown session-data keys', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const wallet = newWallet()
    const a = await sims.session(sim, { wallet, uncompressed: true }, client)
    expect(a.ack.client_address).toBe(wallet.address)
    const b = await sims.session(
      sim,
      {
        wallet,
        mutateSignature: (s) => {
          const out = s.slice()
          out[64] = out[64]! + 27
          return out
        },
        sessionDataText:
          '{"sessionKey":"0xSESSION_KEY","jobId":"7","modelName":"m","pricePerToken":10,"extra":[1,{"x":null}],' +
          '"vectorDatabase":{"manifestPath":"p/m.json","userAddress":"0xabc"},"recoveryPublicKey":"02ab"}',
      },
      client,
    )
    expect(b.ack.client_address).toBe(wallet.address)
    expect(b.ack.job_id).toBe(7)
    const init = buildInit({ nodePublicKey: sim.publicKey, wallet })
    const p = init.frame.payload as Record<string, string>
    const upper = {
      ...init.frame,
      payload: {
        ephPubHex: `0x${p.ephPubHex!.toUpperCase()}`,
        ciphertextHex: p.ciphertextHex!.toUpperCase(),
        signatureHex: `0x${p.signatureHex}`,
        nonceHex: `0x${p.nonceHex!.toUpperCase()}`,
        aadHex: p.aadHex!.toUpperCase(),
      },
    }
    const ack = await client.request(upper)
    expect(ack).toMatchObject({ type: 'session_init_ack', status: 'success', client_address: wallet.address })
    client.send(promptFrame(init.frame.session_id as string, init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(client.q, init.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('echoes chain_id/chainId (default 84532) and reads job_id from the session data jobId', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const a = await sims.session(sim, { extra: { chain_id: undefined, chainId: 5611, job_id: 999 } }, client)
    expect(a.ack.chain_id).toBe(5611)
    expect(a.ack.job_id).toBe(42)
    const b = await sims.session(sim, { extra: { chain_id: undefined } }, client)
    expect(b.ack.chain_id).toBe(84532)
    const c = await sims.session(sim, { jobId: 'not-a-number' }, client)
    expect(c.ack.job_id).toBeNull()
    client.send(
      buildInit({
        nodePublicKey: sim.publicKey,
        jobId: '18446744073709551615',
        extra: { chain_id: 18446744073709551615n.toString() },
      }).frame,
    )
    await client.q.next()
    // u64 values are echoed exactly, never rounded through a double.
    expect(client.q.texts.at(-1)).toContain('"job_id":18446744073709551615')
    expect(client.q.texts.at(-1)).toContain('"chain_id":84532')
  })

  it('shares keys between connections, keeps them after disconnect, and re-init replaces the key', async () => {
    const sim = await sims.start()
    const s1 = await sims.session(sim)
    const other = await sims.connect(sim)
    other.send(promptFrame(s1.sid, s1.init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(other.q, s1.init.sessionKey)).text).toBe('2 + 2 = 4.')
    await s1.client.close()
    other.send(promptFrame(s1.sid, s1.init.sessionKey, 'What is 2+2?', { n: 1 }))
    expect((await collectEncrypted(other.q, s1.init.sessionKey)).finishReason).toBe('stop')

    const again = await sims.session(sim, { sessionId: s1.sid }, other)
    expect(sim.core.sessionCount).toBe(1)
    const stale = await other.request(promptFrame(s1.sid, s1.init.sessionKey, 'hi', { id: 'old' }))
    expect(stale).toEqual({
      type: 'error',
      code: 'DECRYPTION_FAILED',
      message: expect.any(String),
      id: 'old',
    })
    other.send(promptFrame(s1.sid, again.init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(other.q, again.init.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('restart drops every key: SESSION_KEY_NOT_FOUND until the client re-inits', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    await sim.restart()
    expect(sim.core.sessionCount).toBe(0)
    const err = await client.request(
      promptFrame(sid, init.sessionKey, 'What is 2+2?', { id: 'after-restart' }),
    )
    expect(err).toEqual({
      type: 'error',
      code: 'SESSION_KEY_NOT_FOUND',
      message: `No session key found for session_id: ${sid}`,
      id: 'after-restart',
    })
    const again = await sims.session(sim, { sessionId: sid }, client)
    client.send(promptFrame(sid, again.init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(client.q, again.init.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('numeric session_id quirk: acks success with "unknown" but stores no key', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const built = buildInit({ nodePublicKey: sim.publicKey, sessionId: 123 })
    const ack = await client.request(built.frame)
    expect(ack).toMatchObject({ type: 'session_init_ack', status: 'success', session_id: 'unknown' })
    expect(sim.core.sessionCount).toBe(0)
    const err = await client.request(promptFrame(undefined, built.sessionKey, 'hi', { id: 'x' }))
    expect(err).toEqual({
      type: 'error',
      code: 'MISSING_SESSION_ID',
      message: 'encrypted_message requires session_id',
      id: 'x',
    })
    const byNumber = await client.request({
      ...promptFrame(undefined, built.sessionKey, 'hi'),
      session_id: 123,
    })
    expect(byNumber.code).toBe('MISSING_SESSION_ID')
  })

  it('a wrong signing scheme still "succeeds" with a different client_address (node checks nothing)', async () => {
    const sim = await sims.start()
    const wallet = newWallet()
    const client = await sims.connect(sim)
    const built = buildInit({ nodePublicKey: sim.publicKey, wallet })
    const p = built.frame.payload as Record<string, string>
    const ct = Uint8Array.from(Buffer.from(p.ciphertextHex!, 'hex'))
    // EIP-191 personal_sign over the digest: what the seed guide's signMessage does.
    const prefixed = new Uint8Array([...utf8ToBytes('\x19Ethereum Signed Message:\n32'), ...sha256(ct)])
    const sig = signDigest(wallet.privateKey, keccak256(prefixed))
    const ack = await client.request({ ...built.frame, payload: { ...p, signatureHex: bytesToHex(sig) } })
    expect(ack.status).toBe('success')
    expect(ack.client_address).toMatch(/^0x[0-9a-f]{40}$/)
    expect(ack.client_address).not.toBe(wallet.address)
    expect(publicKeyToAddress(sim.publicKey)).toBe(sim.address)
  })

  it('ignores non-JSON frames, unknown types, non-object JSON and idle stream_cancel', async () => {
    const sim = await sims.start()
    const { client } = await sims.session(sim)
    for (const junk of [
      'not json',
      '{"type":"nope"}',
      '[1,2]',
      '42',
      '{"type":7}',
      '{"type":"stream_cancel"}',
      '',
    ]) {
      client.send(junk)
    }
    await expectNoReplyBefore(client)
  })

  it('decrypts chunks only with the per-prompt AAD (sanity of the test client)', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'What is 2+2?'))
    const first = await client.q.next()
    expect(() => openWith(init.sessionKey, first.payload, 'chunk_1')).toThrow()
    expect(openWith(init.sessionKey, first.payload, 'chunk_0')).toBe('2')
    for (let i = 0; i < 7; i++) await client.q.next()
    await expectNoReplyBefore(client)
  })
})
