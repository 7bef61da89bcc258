import { bytesToHex, randomBytes } from '@fabstir/crypto'
import type { CaseContext, NodeCase } from '../case.js'
import type { Probe } from '../probe.js'
import { check } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, expectError, expectType, initEncrypted, type OpenSession } from '../steps.js'

const needs = ['encryption'] as const

/** Open a session, send `frame(session)`, require `code` (id echoed), then prove the session still answers. */
async function messageFails(
  ctx: CaseContext,
  code: string,
  frame: (s: OpenSession) => Record<string, unknown>,
): Promise<void> {
  const probe = await ctx.connect()
  const s = await initEncrypted(ctx, probe)
  probe.send(frame(s))
  await expectError(probe, code, { id: 'bad' })
  await ask(probe, s, 'Still there?', { id: 'after-error', aad: 'message_1' })
}

function withPayload(s: OpenSession, edit: (p: Record<string, unknown>) => void): Record<string, unknown> {
  const frame = buildMessage(s.sessionKey, s.sessionId, 'hello', { id: 'bad' })
  edit(frame.payload as Record<string, unknown>)
  return frame
}

/** A shape-B validation error (no code) followed by stream_end reason "error" carrying the request id. */
async function expectShapeB(probe: Probe, prefix: string, id: string): Promise<void> {
  const error = await expectType(probe, 'error', `an error "${prefix}…"`)
  check(error.code === undefined, `expected an error without code, got code ${JSON.stringify(error.code)}`)
  check(
    typeof error.error === 'string' && error.error.startsWith(prefix),
    `expected error text starting "${prefix}", got ${JSON.stringify(error.error)}`,
  )
  const end = await expectType(probe, 'stream_end', 'stream_end after the validation error')
  check(end.reason === 'error', `stream_end.reason ${JSON.stringify(end.reason)}, expected "error"`)
  check(end.id === id, `stream_end.id ${JSON.stringify(end.id)}, expected ${JSON.stringify(id)}`)
}

export const messageErrorCases: NodeCase[] = [
  {
    id: '5.01',
    group: 'message-errors',
    title: 'a message without payload fails with MISSING_PAYLOAD',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'MISSING_PAYLOAD', (s) => ({
        type: 'encrypted_message',
        id: 'bad',
        session_id: s.sessionId,
      })),
  },
  ...(['ciphertextHex', 'nonceHex', 'aadHex'] as const).map(
    (field, i): NodeCase => ({
      id: `5.0${i + 2}`,
      group: 'message-errors',
      title: `a payload without ${field} fails with MISSING_PAYLOAD_FIELDS`,
      spec: 'PROTOCOL §8',
      needs: [...needs],
      run: (ctx) =>
        messageFails(ctx, 'MISSING_PAYLOAD_FIELDS', (s) =>
          withPayload(s, (p) => {
            delete p[field]
          }),
        ),
    }),
  ),
  {
    id: '5.05',
    group: 'message-errors',
    title: 'ciphertextHex that is not hex fails with INVALID_HEX_ENCODING',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'INVALID_HEX_ENCODING', (s) =>
        withPayload(s, (p) => {
          p.ciphertextHex = 'not-hex'
        }),
      ),
  },
  {
    id: '5.06',
    group: 'message-errors',
    title: 'a 16-byte nonce fails with INVALID_NONCE_SIZE',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'INVALID_NONCE_SIZE', (s) =>
        withPayload(s, (p) => {
          p.nonceHex = String(p.nonceHex).slice(0, 32)
        }),
      ),
  },
  {
    id: '5.07',
    group: 'message-errors',
    title: 'a tampered ciphertext fails with DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'DECRYPTION_FAILED', (s) =>
        buildMessage(s.sessionKey, s.sessionId, 'hello', { id: 'bad', tamper: true }),
      ),
  },
  {
    id: '5.08',
    group: 'message-errors',
    title: 'a message sealed with another key fails with DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'DECRYPTION_FAILED', (s) =>
        buildMessage(randomBytes(32), s.sessionId, 'hello', { id: 'bad' }),
      ),
  },
  {
    id: '5.09',
    group: 'message-errors',
    title: 'decrypted bytes that are not UTF-8 fail with INVALID_UTF8',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'INVALID_UTF8', (s) =>
        buildMessage(s.sessionKey, s.sessionId, new Uint8Array([0xff, 0xfe, 0xc3]), { id: 'bad' }),
      ),
  },
  {
    id: '5.10',
    group: 'message-errors',
    title: 'an unknown session id fails with SESSION_KEY_NOT_FOUND',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    run: (ctx) =>
      messageFails(ctx, 'SESSION_KEY_NOT_FOUND', (s) =>
        buildMessage(s.sessionKey, `unknown-${bytesToHex(randomBytes(6))}`, 'hello', { id: 'bad' }),
      ),
  },
  {
    id: '5.11',
    group: 'message-errors',
    title: 'a message without any session id on a fresh connection fails with MISSING_SESSION_ID',
    spec: 'PROTOCOL §8',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      probe.send(buildMessage(randomBytes(32), undefined, 'hello', { id: 'bad', omitSessionId: true }))
      await expectError(probe, 'MISSING_SESSION_ID', { id: 'bad' })
    },
  },
  {
    id: '5.12',
    group: 'message-errors',
    title: 'a prompt over the context window fails with TOKEN_LIMIT_EXCEEDED, then stream_end error',
    spec: 'PROTOCOL §8; SURFACE §2.1 (prompt_tokens, context_window_size)',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const huge = 'word '.repeat(ctx.target.contextWindow + 1024)
      probe.send(buildMessage(s.sessionKey, s.sessionId, huge, { id: 'huge' }))
      const error = await expectError(probe, 'TOKEN_LIMIT_EXCEEDED', { id: 'huge' })
      check(
        Number.isInteger(error.prompt_tokens) && Number.isInteger(error.context_window_size),
        'TOKEN_LIMIT_EXCEEDED lacks integer prompt_tokens / context_window_size',
      )
      const end = await expectType(probe, 'stream_end', 'stream_end after TOKEN_LIMIT_EXCEEDED')
      check(end.reason === 'error', `stream_end.reason ${JSON.stringify(end.reason)}, expected "error"`)
    },
  },
  {
    id: '5.13',
    group: 'message-errors',
    title: 'a temperature outside 0..2 gets a code-less validation error, then stream_end error',
    spec: 'SURFACE §2.3: "Validation error for temperature: …"',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, JSON.stringify({ prompt: 'hi', temperature: 3 }), {
          id: 'temp',
        }),
      )
      await expectShapeB(probe, 'Validation error for temperature', 'temp')
    },
  },
  {
    id: '5.14',
    group: 'message-errors',
    title: 'max_tokens above u32 gets no reply at all (node quirk: validate before sending)',
    spec: 'SURFACE §10.6',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, '{"prompt":"hi","max_tokens":4294967296}', { id: 'u32' }),
      )
      await probe.expectSilence(ctx.target.silenceMs * 2, 'max_tokens 2^32')
    },
  },
  {
    id: '5.15',
    group: 'message-errors',
    title: 'max_tokens 0 gets a code-less validation error, then stream_end error',
    spec: 'SURFACE §2.3: "Validation error for max_tokens: …"',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const frame = buildMessage(s.sessionKey, s.sessionId, JSON.stringify({ prompt: 'hi', max_tokens: 0 }), {
        id: 'zero',
      })
      probe.send(frame)
      await expectShapeB(probe, 'Validation error for max_tokens', 'zero')
    },
  },
  {
    id: '5.16',
    group: 'message-errors',
    title:
      "a message naming another session's id, sealed with this session's key, fails with DECRYPTION_FAILED",
    spec: 'PROTOCOL §8: keys are per session id',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const a = await initEncrypted(ctx, probe, { id: 'init-a' })
      const b = await initEncrypted(ctx, probe, { id: 'init-b' })
      probe.send(buildMessage(a.sessionKey, b.sessionId, 'cross-session', { id: 'bad' }))
      await expectError(probe, 'DECRYPTION_FAILED', { id: 'bad' })
      await ask(probe, b, 'Session B still answers?', { id: 'b-ok' })
    },
  },
]
