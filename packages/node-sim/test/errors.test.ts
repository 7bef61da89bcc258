import {
  bytesToHex,
  deriveInitKey,
  ecdhSharedX,
  generateEphemeralKey,
  hkdfSha256,
  randomBytes,
  seal,
  sha256,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { buildInit, collectEncrypted, newWallet, promptFrame, sealPrompt } from './helpers/protocol-client.js'
import { useSims } from './helpers/sim.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

const sims = useSims()
/** secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** An init whose session data is exactly `text` (sealed correctly, signed correctly). */
function initWithData(nodePublicKey: string, text: string, sessionId = 'sd') {
  return buildInit({ nodePublicKey, sessionId, sessionDataText: text }).frame
}

describe('session init errors (shape A, session_id always present, id echoed)', () => {
  it('ENCRYPTION_NOT_SUPPORTED on a node without a key, with and without id', async () => {
    const sim = await sims.start({ encryption: false })
    const client = await sims.connect(sim)
    const frame = buildInit({ nodePublicKey: sim.core.publicKey, sessionId: 's1', id: 'i1' }).frame
    expect(await client.request(frame)).toEqual({
      type: 'error',
      code: 'ENCRYPTION_NOT_SUPPORTED',
      message:
        'Node does not have encryption key configured. Please use plaintext session_init or configure HOST_PRIVATE_KEY.',
      session_id: 's1',
      id: 'i1',
    })
    const { id: _drop, ...noId } = frame
    const noIdReply = await client.request({ ...noId, session_id: undefined })
    expect(noIdReply).toEqual({
      type: 'error',
      code: 'ENCRYPTION_NOT_SUPPORTED',
      message: expect.any(String),
      session_id: 'unknown',
    })
    expect(sim.core.encryption).toBe(false)
  })

  it('MISSING_PAYLOAD, INVALID_PAYLOAD (each field, null payload), INVALID_HEX_ENCODING, INVALID_NONCE_SIZE', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const good = buildInit({ nodePublicKey: sim.publicKey, sessionId: 'sx', id: 'q' }).frame
    const payload = good.payload as Record<string, string>
    const err = (code: string, message: string) => ({
      type: 'error',
      code,
      message,
      session_id: 'sx',
      id: 'q',
    })

    const { payload: _p, ...noPayload } = good
    expect(await client.request(noPayload)).toEqual(
      err('MISSING_PAYLOAD', 'encrypted_session_init must include payload object'),
    )
    const missing = err(
      'INVALID_PAYLOAD',
      'Missing required fields in encrypted session init payload (ephPubHex, ciphertextHex, signatureHex, nonceHex, aadHex)',
    )
    for (const field of Object.keys(payload)) {
      const { [field]: _gone, ...rest } = payload
      expect(await client.request({ ...good, payload: rest })).toEqual(missing)
      expect(await client.request({ ...good, payload: { ...payload, [field]: 12 } })).toEqual(missing)
    }
    expect(await client.request({ ...good, payload: null })).toEqual(missing)
    const badHex = err(
      'INVALID_HEX_ENCODING',
      'Failed to decode hex fields in encrypted session init payload',
    )
    for (const bad of ['abc', 'zz', '0X00', '0x0xab', 'ab cd']) {
      expect(await client.request({ ...good, payload: { ...payload, aadHex: bad } })).toEqual(badHex)
    }
    expect(
      await client.request({ ...good, payload: { ...payload, nonceHex: bytesToHex(randomBytes(12)) } }),
    ).toEqual(err('INVALID_NONCE_SIZE', 'Invalid nonce size: expected 24 bytes, got 12'))
    expect(await client.request({ ...good, payload: { ...payload, nonceHex: '' } })).toEqual(
      err('INVALID_NONCE_SIZE', 'Invalid nonce size: expected 24 bytes, got 0'),
    )
    expect(sim.core.sessionCount).toBe(0)
  })

  it('DECRYPTION_FAILED for every crypto, JSON, type and signature failure', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const pk = sim.publicKey
    const cases: Record<string, Record<string, unknown>> = {}
    const base = buildInit({ nodePublicKey: pk, sessionId: 'df' }).frame
    const p = base.payload as Record<string, string>
    cases.notOnCurve = { ...base, payload: { ...p, ephPubHex: `02${'ff'.repeat(32)}` } }
    cases.badLength = { ...base, payload: { ...p, ephPubHex: `02${'11'.repeat(20)}` } }
    cases.emptyEph = { ...base, payload: { ...p, ephPubHex: '' } }
    cases.emptyCiphertext = { ...base, payload: { ...p, ciphertextHex: '' } }
    cases.aadMismatch = { ...base, payload: { ...p, aadHex: bytesToHex(utf8ToBytes('other')) } }
    cases.sig64 = { ...base, payload: { ...p, signatureHex: p.signatureHex!.slice(0, 128) } }
    cases.sigV5 = { ...base, payload: { ...p, signatureHex: `${p.signatureHex!.slice(0, 128)}05` } }
    // High-S twin of a valid signature: the node (k256) refuses to recover it.
    const sig = Uint8Array.from(Buffer.from(p.signatureHex!, 'hex'))
    const s = BigInt(`0x${bytesToHex(sig.subarray(32, 64))}`)
    const highS = (N - s).toString(16).padStart(64, '0')
    cases.highS = {
      ...base,
      payload: {
        ...p,
        signatureHex: `${p.signatureHex!.slice(0, 64)}${highS}${sig[64] === 0 ? '01' : '00'}`,
      },
    }
    // Seed-guide bug: HKDF over the 33-byte shared point instead of its x-coordinate.
    {
      const eph = generateEphemeralKey()
      // A 33-byte point (prefix + x) as IKM: whichever the prefix, it is not the x-only IKM the node uses.
      const wrongKey = hkdfSha256(new Uint8Array([2, ...ecdhSharedX(eph.privateKey, pk)]))
      const data = `{"sessionKey":"${bytesToHex(randomBytes(32))}","jobId":"1","modelName":"m","pricePerToken":1}`
      const sealed = seal(wrongKey, data, 'session_init')
      const w = newWallet()
      cases.hkdfOverPoint = {
        ...base,
        payload: {
          ephPubHex: bytesToHex(eph.publicKey),
          ciphertextHex: bytesToHex(sealed.ciphertext),
          signatureHex: bytesToHex(signDigest(w.privateKey, sha256(sealed.ciphertext))),
          nonceHex: bytesToHex(sealed.nonce),
          aadHex: bytesToHex(utf8ToBytes('session_init')),
        },
      }
    }
    const dataCases: Record<string, string> = {
      numericJobId: '{"sessionKey":"SESSION_KEY","jobId":15,"modelName":"m","pricePerToken":1}',
      snakeCase: '{"session_key":"SESSION_KEY","job_id":"15","model_name":"m","price_per_token":1}',
      priceString: '{"sessionKey":"SESSION_KEY","jobId":"15","modelName":"m","pricePerToken":"0.0001"}',
      missingModel: '{"sessionKey":"SESSION_KEY","jobId":"15","pricePerToken":1}',
      nullModel: '{"sessionKey":"SESSION_KEY","jobId":"15","modelName":null,"pricePerToken":1}',
      shortKey: `{"sessionKey":"${'ab'.repeat(31)}","jobId":"15","modelName":"m","pricePerToken":1}`,
      badKeyHex: '{"sessionKey":"SESSION_KEYzz","jobId":"15","modelName":"m","pricePerToken":1}',
      duplicateField:
        '{"sessionKey":"SESSION_KEY","jobId":"1","jobId":"2","modelName":"m","pricePerToken":1}',
      badVectorDb:
        '{"sessionKey":"SESSION_KEY","jobId":"1","modelName":"m","pricePerToken":1,"vectorDatabase":{"manifestPath":"x"}}',
      badRecovery:
        '{"sessionKey":"SESSION_KEY","jobId":"1","modelName":"m","pricePerToken":1,"recoveryPublicKey":5}',
      notJson: 'sessionKey=abc',
      trailing: '{"sessionKey":"SESSION_KEY","jobId":"1","modelName":"m","pricePerToken":1} x',
      array: '["1","m","SESSION_KEY",1]',
      loneSurrogate: '{"sessionKey":"SESSION_KEY","jobId":"\\ud800","modelName":"m","pricePerToken":1}',
    }
    for (const [name, text] of Object.entries(dataCases)) cases[name] = initWithData(pk, text, 'df')
    {
      // Valid AEAD over bytes that are not UTF-8.
      const eph = generateEphemeralKey()
      const sealed = seal(
        deriveInitKey(eph.privateKey, pk),
        new Uint8Array([0xff, 0xfe, 0x7b]),
        'session_init',
      )
      cases.notUtf8 = {
        ...base,
        payload: {
          ...p,
          ephPubHex: bytesToHex(eph.publicKey),
          ciphertextHex: bytesToHex(sealed.ciphertext),
          nonceHex: bytesToHex(sealed.nonce),
        },
      }
    }
    const reasons: Record<string, string> = {
      notOnCurve: 'ECDH key derivation failed',
      badLength: 'ECDH key derivation failed',
      emptyEph: 'Ephemeral public key is empty',
      emptyCiphertext: 'Ciphertext is empty',
      aadMismatch: 'Decryption failed',
      hkdfOverPoint: 'Decryption failed',
      sig64: 'Invalid signature size',
      sigV5: 'Signature verification failed',
      highS: 'Signature verification failed',
      notUtf8: 'not valid UTF-8',
      shortKey: 'Invalid session key length',
      badKeyHex: 'Failed to decode session key hex',
    }
    for (const [name, frame] of Object.entries(cases)) {
      const reply = await client.request({ ...frame, id: name })
      expect(reply.message, name).toContain(reasons[name] ?? 'Failed to parse session data JSON')
      expect(reply, name).toEqual({
        type: 'error',
        code: 'DECRYPTION_FAILED',
        message: expect.stringMatching(/^Failed to decrypt session init payload: /),
        session_id: 'df',
        id: name,
      })
      expect(reply.message, name).not.toContain('SESSION_KEY')
    }
    expect(sim.core.sessionCount).toBe(0)
    // The same base frame with its own valid fields does succeed.
    expect((await client.request(base)).status).toBe('success')
  })
})

describe('encrypted_message errors (shape A, id echoed)', () => {
  it('MISSING_SESSION_ID, SESSION_KEY_NOT_FOUND, then payload checks in the node order', async () => {
    const sim = await sims.start()
    const fresh = await sims.connect(sim)
    const key = randomBytes(32)
    expect(
      await fresh.request({ type: 'encrypted_message', id: 'a', payload: sealPrompt(key, 'x') }),
    ).toEqual({
      type: 'error',
      code: 'MISSING_SESSION_ID',
      message: 'encrypted_message requires session_id',
      id: 'a',
    })
    // The key lookup comes before any payload check.
    expect(await fresh.request({ type: 'encrypted_message', session_id: 'nope' })).toEqual({
      type: 'error',
      code: 'SESSION_KEY_NOT_FOUND',
      message: 'No session key found for session_id: nope',
    })

    const { client, init, sid } = await sims.session(sim)
    const err = (code: string, message: string) => ({ type: 'error', code, message, id: 'e' })
    const good = promptFrame(sid, init.sessionKey, 'hello', { id: 'e' })
    const payload = good.payload as Record<string, string>
    const { payload: _p, ...noPayload } = good
    expect(await client.request(noPayload)).toEqual(
      err('MISSING_PAYLOAD', 'encrypted_message must include payload object'),
    )
    const fields = err('MISSING_PAYLOAD_FIELDS', 'Payload must contain ciphertextHex, nonceHex, and aadHex')
    for (const field of Object.keys(payload)) {
      const { [field]: _gone, ...rest } = payload
      expect(await client.request({ ...good, payload: rest })).toEqual(fields)
    }
    expect(await client.request({ ...good, payload: 'str' })).toEqual(fields)
    expect(await client.request({ ...good, payload: { ...payload, ciphertextHex: 'xyz1' } })).toEqual(
      err('INVALID_HEX_ENCODING', 'Failed to decode hex fields in payload'),
    )
    expect(
      await client.request({ ...good, payload: { ...payload, nonceHex: bytesToHex(randomBytes(12)) } }),
    ).toEqual(err('INVALID_NONCE_SIZE', 'Invalid nonce size: expected 24 bytes, got 12'))
    expect(await client.request(promptFrame(sid, randomBytes(32), 'hello', { id: 'e' }))).toEqual(
      err('DECRYPTION_FAILED', 'Failed to decrypt message: aead::Error'),
    )
    expect(await client.request({ ...good, payload: { ...payload, ciphertextHex: '' } })).toEqual(
      err('DECRYPTION_FAILED', 'Failed to decrypt message: aead::Error'),
    )
    expect(
      await client.request(promptFrame(sid, init.sessionKey, new Uint8Array([0xc3, 0x28]), { id: 'e' })),
    ).toEqual(err('INVALID_UTF8', 'Decrypted plaintext is not valid UTF-8'))
    // The node decrypts with whatever AAD is sent: a non-conventional AAD still works.
    const odd = seal(init.sessionKey, 'What is 2+2?', 'anything')
    client.send({
      ...good,
      payload: {
        ciphertextHex: bytesToHex(odd.ciphertext),
        nonceHex: bytesToHex(odd.nonce),
        aadHex: bytesToHex(utf8ToBytes('anything')),
      },
    })
    expect((await collectEncrypted(client.q, init.sessionKey)).text).toBe('2 + 2 = 4.')
  })

  it('shape B validation errors are followed by stream_end {reason:"error"}', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    const cases: Array<[string, string]> = [
      [
        JSON.stringify({ prompt: 'hi', temperature: 2.5 }),
        'Validation error for temperature: Temperature must be between 0.0 and 2.0',
      ],
      [
        JSON.stringify({ prompt: 'hi', temperature: -0.1 }),
        'Validation error for temperature: Temperature must be between 0.0 and 2.0',
      ],
      ['', 'Validation error for prompt: Prompt cannot be empty'],
      [JSON.stringify({ prompt: '' }), 'Validation error for prompt: Prompt cannot be empty'],
      [
        JSON.stringify({ prompt: 'hi', max_tokens: 0 }),
        'Validation error for max_tokens: max_tokens must be greater than 0',
      ],
      [JSON.stringify({ prompt: 'hi', model: '' }), 'Validation error for model: Model name cannot be empty'],
    ]
    for (const [n, [plaintext, error]] of cases.entries()) {
      client.send(promptFrame(sid, init.sessionKey, plaintext, { id: `v${n}`, n }))
      expect(await client.q.next()).toEqual({ type: 'error', error, id: `v${n}` })
      expect(await client.q.next()).toEqual({
        type: 'stream_end',
        reason: 'error',
        tokens_used: 0,
        id: `v${n}`,
      })
    }
    // temperature 2 is inside the range; max_tokens as a float is ignored (default 4000).
    client.send(
      promptFrame(
        sid,
        init.sessionKey,
        JSON.stringify({ prompt: 'What is 2+2?', temperature: 2, max_tokens: 1.5 }),
      ),
    )
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.end.finish_reason).toBe('stop')
  })

  it('max_tokens that does not fit u32 gets no reply at all; 2^32-1 is served', async () => {
    const sim = await sims.start()
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, '{"prompt":"hi","max_tokens":4294967296}'))
    client.send(
      promptFrame(sid, init.sessionKey, '{"prompt":"hi","max_tokens":18446744073709551615}', { n: 1 }),
    )
    client.send({ ...promptFrame(sid, init.sessionKey, 'hi', { n: 2 }), max_tokens: 4294967296 })
    await expectNoReplyBefore(client)
    client.send(
      promptFrame(sid, init.sessionKey, '{"prompt":"What is 2+2?","max_tokens":4294967295}', { n: 3 }),
    )
    expect((await collectEncrypted(client.q, init.sessionKey)).text).toBe('2 + 2 = 4.')
    // A u64 overflow is a float for serde: `as_u64` fails and the default 4000 applies.
    client.send(
      promptFrame(sid, init.sessionKey, '{"prompt":"What is 2+2?","max_tokens":18446744073709551616}', {
        n: 4,
      }),
    )
    expect((await collectEncrypted(client.q, init.sessionKey)).end.finish_reason).toBe('stop')
  })

  it('TOKEN_LIMIT_EXCEEDED carries prompt_tokens and context_window_size', async () => {
    const sim = await sims.start({ contextWindowSize: 4 })
    const { client, init, sid } = await sims.session(sim)
    const reply = await client.request(promptFrame(sid, init.sessionKey, 'x'.repeat(17), { id: 'long' }))
    expect(reply).toEqual({
      type: 'error',
      code: 'TOKEN_LIMIT_EXCEEDED',
      message: expect.stringContaining('5 tokens'),
      prompt_tokens: 5,
      context_window_size: 4,
      session_id: sid,
      id: 'long',
    })
    // PROTOCOL-SURFACE §2.1: followed by stream_end {reason:"error"} (tokens_used 0, no session_id).
    expect(await client.q.next()).toEqual({ type: 'stream_end', reason: 'error', tokens_used: 0, id: 'long' })
    await expectNoReplyBefore(client)
    client.send(promptFrame(sid, init.sessionKey, 'x'.repeat(16)))
    expect((await collectEncrypted(client.q, init.sessionKey)).end.usage).toMatchObject({ prompt_tokens: 4 })
  })
})

describe('rate limit (shared by all connections, sliding minute, injected clock)', () => {
  it('refuses the third request in a minute with shape B + stream_end, then recovers', async () => {
    let now = 1_000_000
    const sim = await sims.start({ rateLimitPerMinute: 2, now: () => now })
    const a = await sims.session(sim)
    const b = await sims.session(sim)
    a.client.send(promptFrame(a.sid, a.init.sessionKey, 'What is 2+2?'))
    await collectEncrypted(a.client.q, a.init.sessionKey)
    // Invalid requests are refused before the limiter and do not count.
    b.client.send(promptFrame(b.sid, b.init.sessionKey, ''))
    expect((await b.client.q.next()).error).toMatch(/^Validation error/)
    await b.client.q.next()
    now += 30_000
    b.client.send(promptFrame(b.sid, b.init.sessionKey, 'What is 2+2?', { n: 1 }))
    await collectEncrypted(b.client.q, b.init.sessionKey)
    a.client.send(promptFrame(a.sid, a.init.sessionKey, 'What is 2+2?', { id: 'limited', n: 1 }))
    expect(await a.client.q.next()).toEqual({
      type: 'error',
      error: 'Rate limit exceeded, retry after 60 seconds',
      id: 'limited',
    })
    expect(await a.client.q.next()).toEqual({
      type: 'stream_end',
      reason: 'error',
      tokens_used: 0,
      id: 'limited',
    })
    // Plaintext prompts share the same window.
    const plain = await sims.connect(sim)
    plain.send({ type: 'prompt', id: 'pp', prompt: 'hi' })
    expect((await plain.q.next()).error).toBe('Rate limit exceeded, retry after 60 seconds')
    await plain.q.next()
    now += 30_001 // the first request left the window
    a.client.send(promptFrame(a.sid, a.init.sessionKey, 'What is 2+2?', { n: 2 }))
    expect((await collectEncrypted(a.client.q, a.init.sessionKey)).text).toBe('2 + 2 = 4.')
  })
})
