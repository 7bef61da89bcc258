import type { CaseContext } from './case.js'
import { CaseFailure, check, type NodeFrame, NotServed, type Probe } from './probe.js'
import { type BuiltInit, buildInit, buildMessage, type InitOptions, openPayload } from './session-crypto.js'

const HEX_ADDRESS = /^0x[0-9a-f]{40}$/

function describe(frame: NodeFrame): string {
  return frame.text.length > 300 ? `${frame.text.slice(0, 300)}…` : frame.text
}

/** The next frame must be an object of `type`; returns it. */
export async function expectType(probe: Probe, type: string, what = type): Promise<Record<string, unknown>> {
  const frame = await probe.next(what)
  if (!frame.json)
    throw new CaseFailure(`expected ${what}, got a frame that is not a JSON object: ${describe(frame)}`)
  if (frame.json.type !== type) throw new CaseFailure(`expected ${what}, got ${describe(frame)}`)
  return frame.json
}

/** An encrypted session the suite opened: the key the node now holds for `sessionId`. */
export interface OpenSession extends BuiltInit {
  ack: Record<string, unknown>
}

/** Send an encrypted init and require a successful ack whose echoed address is the one the signature recovers to. */
export async function initEncrypted(
  ctx: CaseContext,
  probe: Probe,
  options: InitOptions = {},
): Promise<OpenSession> {
  const key = ctx.target.nodePublicKey
  if (!key) throw new NotServed('no --node-key given')
  const built = buildInit(key, ctx.wallet, options)
  probe.send(built.frame)
  const frame = await probe.next('session_init_ack')
  if (frame.json?.type === 'error' && frame.json.code === 'ENCRYPTION_NOT_SUPPORTED') {
    throw new NotServed('the node answered ENCRYPTION_NOT_SUPPORTED (no host key)')
  }
  check(frame.json?.type === 'session_init_ack', `expected session_init_ack, got ${describe(frame)}`)
  const ack = frame.json
  check(
    ack.status === 'success',
    `session_init_ack.status is ${JSON.stringify(ack.status)}, expected "success"`,
  )
  if (built.recoveredAddress !== undefined) {
    check(
      typeof ack.client_address === 'string' && HEX_ADDRESS.test(ack.client_address),
      `client_address ${JSON.stringify(ack.client_address)} is not 0x + 40 lowercase hex`,
    )
    check(
      ack.client_address === built.recoveredAddress.toLowerCase(),
      `client_address ${String(ack.client_address)} is not the signer ${built.recoveredAddress} (wrong client address)`,
    )
  }
  return { ...built, ack }
}

/**
 * The next frame must be a shape-A error with `code`, and the connection must stay open (no error closes it).
 * Returns the error frame.
 */
export async function expectError(
  probe: Probe,
  code: string,
  options: { id?: unknown; sessionId?: unknown } = {},
): Promise<Record<string, unknown>> {
  const frame = await probe.next(`an error with code ${code}`)
  check(frame.json?.type === 'error', `expected an error frame with code ${code}, got ${describe(frame)}`)
  const error = frame.json
  check(error.code === code, `expected error code ${code}, got ${JSON.stringify(error.code ?? error.error)}`)
  check(typeof error.message === 'string' && error.message.length > 0, `error ${code} has no message string`)
  if ('id' in options) {
    check(
      error.id === options.id,
      `error ${code} echoes id ${JSON.stringify(error.id)}, expected ${JSON.stringify(options.id)}`,
    )
  }
  if ('sessionId' in options) {
    check(
      error.session_id === options.sessionId,
      `error ${code} carries session_id ${JSON.stringify(error.session_id)}, expected ${JSON.stringify(options.sessionId)}`,
    )
  }
  await new Promise((resolve) => setTimeout(resolve, 20))
  check(probe.isOpen, `the node closed the connection after ${code} (errors must never close it)`)
  return error
}

/** One decrypted answer: what the chunks said and how the stream ended. */
export interface Answer {
  chunks: { index: number; text: string; tokens: unknown; final: boolean }[]
  text: string
  finishReason: string
  streamEnd: Record<string, unknown>
}

/**
 * Read one encrypted answer to request `id`: chunks with AAD `chunk_<i>` in order (each nonce fresh), the final
 * chunk, `encrypted_response` under `encrypted_response_final`, then a plaintext `stream_end`. Every failure names
 * the fault it looks like (tampered, wrong AAD, dropped, replayed, reordered, truncated, closed mid-stream).
 */
export async function readAnswer(probe: Probe, sessionKey: Uint8Array, id: string): Promise<Answer> {
  const chunks: Answer['chunks'] = []
  const nonces = new Set<string>()
  let sawFinal = false
  for (;;) {
    const frame = await probe.next(sawFinal ? 'encrypted_response' : `encrypted_chunk ${chunks.length}`)
    const f = frame.json
    check(f, `expected an answer frame, got ${describe(frame)}`)
    if (f.type === 'error') {
      throw new CaseFailure(`the node sent an error mid-answer: ${describe(frame)}`)
    }
    if (f.type === 'stream_end') {
      throw new CaseFailure(
        `stream_end (reason ${JSON.stringify(f.reason)}) arrived before encrypted_response after ${chunks.length} chunk(s): forged or early stream_end, the answer is truncated`,
      )
    }
    if (f.type === 'encrypted_response') {
      check(
        sawFinal,
        `encrypted_response arrived before the final chunk (after ${chunks.length} chunks): truncated answer`,
      )
      check(
        f.id === id,
        `encrypted_response echoes id ${JSON.stringify(f.id)}, expected ${JSON.stringify(id)}`,
      )
      const opened = openPayload(sessionKey, f.payload, 'encrypted_response_final')
      check(opened.ok, `encrypted_response does not open under encrypted_response_final (${explain(opened)})`)
      const end = await expectType(probe, 'stream_end', 'stream_end after encrypted_response')
      check(
        end.reason === 'complete',
        `stream_end.reason is ${JSON.stringify(end.reason)}, expected "complete"`,
      )
      check(
        Number.isInteger(end.tokens_used),
        `stream_end.tokens_used ${JSON.stringify(end.tokens_used)} is not an integer`,
      )
      return { chunks, text: chunks.map((c) => c.text).join(''), finishReason: opened.text, streamEnd: end }
    }
    check(f.type === 'encrypted_chunk', `expected encrypted_chunk, got ${describe(frame)}`)
    check(!sawFinal, 'an encrypted_chunk arrived after the final chunk')
    check(f.id === id, `encrypted_chunk echoes id ${JSON.stringify(f.id)}, expected ${JSON.stringify(id)}`)
    const payload = f.payload as Record<string, unknown> | undefined
    const index = payload?.index
    const expected = chunks.length
    if (index !== expected) {
      const seen = chunks.some((c) => c.index === index)
      throw new CaseFailure(
        seen
          ? `chunk index ${String(index)} arrived twice (replayed chunk)`
          : typeof index === 'number' && index > expected
            ? `chunk index ${index} arrived where ${expected} was expected (dropped or reordered chunk)`
            : `chunk index ${JSON.stringify(index)} arrived where ${expected} was expected (reordered chunk)`,
      )
    }
    const nonce = String(payload?.nonceHex)
    check(!nonces.has(nonce), `chunk ${expected} reuses a nonce (replayed chunk)`)
    nonces.add(nonce)
    const opened = openPayload(sessionKey, payload, `chunk_${expected}`)
    if (!opened.ok)
      throw new CaseFailure(`chunk ${expected} does not open under chunk_${expected}: ${explain(opened)}`)
    const final = f.final === true
    chunks.push({ index: expected, text: opened.text, tokens: f.tokens, final })
    if (final) sawFinal = true
  }
}

function explain(opened: ReturnType<typeof openPayload>): string {
  if (opened.ok) return 'it opens'
  if (opened.why === 'wrong-aad') return `sealed under the wrong AAD "${opened.actualAad}"`
  if (opened.why === 'tampered') return 'tampered ciphertext or wrong key'
  return `malformed payload: ${opened.detail}`
}

/** Send a prompt on an open session and read its whole answer. */
export async function ask(
  probe: Probe,
  session: OpenSession,
  prompt: string,
  options: { id?: string; aad?: string } = {},
): Promise<Answer> {
  const id = options.id ?? 'prompt-1'
  probe.send(
    buildMessage(session.sessionKey, session.sessionId, prompt, { id, aad: options.aad ?? 'message_0' }),
  )
  return readAnswer(probe, session.sessionKey, id)
}

/** After the node must have ignored something, prove the connection still works with a fresh encrypted init. */
export async function stillUsable(ctx: CaseContext, probe: Probe): Promise<void> {
  if (ctx.capabilities.encryption && ctx.target.nodePublicKey) {
    await initEncrypted(ctx, probe, { id: 'usable-check' })
    return
  }
  probe.send({
    type: 'session_init',
    id: 'usable-check',
    session_id: 'conf-usable',
    job_id: 1,
    chain_id: 84532,
  })
  const ack = await expectType(
    probe,
    'session_init_ack',
    'session_init_ack (is the connection still usable?)',
  )
  check(ack.status === 'success', `session_init_ack.status is ${JSON.stringify(ack.status)}`)
}
