import { NODE_MESSAGE_LIMIT } from '../limits.js'
import type { ScriptContext } from './script.js'
import {
  ANSWER_CHUNKS,
  ANSWER_TEXT,
  chunk,
  faithfulAnswer,
  finalResponse,
  handshake,
  streamEnd,
} from './steps.js'

/** What a conforming client must report for a case. */
export type Expectation =
  /** The whole answer delivered, exactly this text. */
  | {
      /** The exact text a conforming client delivers. */
      delivered: string
    }
  /** No text delivered as an answer; an error with one of these codes (docs/errors.md). */
  | {
      /** The accepted error codes. */
      error: readonly string[]
    }

/** Case groups of client mode. */
export const CLIENT_GROUPS = {
  /** Group 1. */
  faithful: 'Faithful answers the client must deliver exactly',
  /** Group 2. */
  integrity: 'Tampered, replayed, reordered or truncated answers the client must refuse',
  /** Group 3. */
  handshake: 'Session init replies the client must check',
  /** Group 4. */
  errors: 'Node errors the client must surface with the right code',
  /** Group 5. */
  transport: 'Transport faults',
} as const

/** One scripted case: how the node behaves on the client's single connection, and what the client must report. */
export interface ClientCase {
  /** Stable case number, e.g. `2.03`. */
  id: string
  /** Its group. */
  group: keyof typeof CLIENT_GROUPS
  /** What the case checks. */
  title: string
  /** The rule, with its PROTOCOL.md / PROTOCOL-SURFACE section. */
  spec: string
  /** What the client must report. */
  expect: Expectation
  /** Prompts the client sends on the session, one after another (default 1); it reports the last outcome. */
  prompts?: number
  /** The node plays this on the connection (the `connected` greeting is already sent). */
  play(s: ScriptContext): Promise<void>
}

const INTEGRITY_CODES = [
  'DECRYPTION_FAILED',
  'CHUNK_OUT_OF_ORDER',
  'STREAM_TRUNCATED',
  'INVALID_FRAME',
] as const

/** The node answers with chunks 0..n-1 under `mutate`, then the final chunk, encrypted_response and stream_end. */
function answerWith(
  mutate: (s: ScriptContext, p: Parameters<typeof chunk>[1], i: number, text: string) => boolean,
): ClientCase['play'] {
  return async (s) => {
    await handshake(s)
    const p = await s.receivePrompt()
    for (const [i, text] of ANSWER_CHUNKS.entries()) if (!mutate(s, p, i, text)) chunk(s, p, i, text)
    chunk(s, p, ANSWER_CHUNKS.length, '', { final: true })
    finalResponse(s, p)
    streamEnd(s, p, ANSWER_CHUNKS.length)
  }
}

/** Every client-mode case, in the order a driver runs them. */
export const CLIENT_CASES: readonly ClientCase[] = [
  {
    id: '1.01',
    group: 'faithful',
    title: 'a faithful answer is delivered exactly',
    spec: 'PROTOCOL §6',
    expect: { delivered: ANSWER_TEXT },
    play: async (s) => {
      await handshake(s)
      await faithfulAnswer(s, await s.receivePrompt())
    },
  },
  {
    id: '1.02',
    group: 'faithful',
    title: 'empty chunks in the middle of an answer are allowed',
    spec: "PROTOCOL §6: a chunk's text may be empty",
    expect: { delivered: 'Empty chunks are fine.' },
    play: async (s) => {
      await handshake(s)
      await faithfulAnswer(s, await s.receivePrompt(), ['Empty', '', ' chunks', '', '', ' are fine.'])
    },
  },
  {
    id: '1.03',
    group: 'faithful',
    title: 'non-ASCII text split inside words is delivered exactly',
    spec: 'PROTOCOL §5: UTF-8',
    expect: { delivered: 'Grüße — 你好 — 🔒' },
    play: async (s) => {
      await handshake(s)
      await faithfulAnswer(s, await s.receivePrompt(), ['Grü', 'ße — ', '你', '好 — ', '🔒'])
    },
  },
  {
    id: '1.04',
    group: 'faithful',
    title: 'a slow drip (250 ms between chunks) is delivered, not timed out',
    spec: 'clients must tolerate a slow model',
    expect: { delivered: ANSWER_TEXT },
    play: async (s) => {
      await handshake(s)
      await faithfulAnswer(s, await s.receivePrompt(), ANSWER_CHUNKS, 250)
    },
  },
  {
    id: '1.05',
    group: 'faithful',
    title: 'stream_end without finish_reason/usage (older nodes) still completes the answer',
    spec: 'SURFACE §10.7: finish_reason/usage may be missing',
    expect: { delivered: ANSWER_TEXT },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      for (const [i, t] of ANSWER_CHUNKS.entries()) chunk(s, p, i, t)
      chunk(s, p, ANSWER_CHUNKS.length, '', { final: true })
      finalResponse(s, p)
      s.send({ type: 'stream_end', reason: 'complete', tokens_used: ANSWER_CHUNKS.length, id: p.id })
    },
  },
  {
    id: '2.01',
    group: 'integrity',
    title: 'a chunk with a flipped ciphertext bit is refused',
    spec: 'PROTOCOL §3, §6',
    expect: { error: INTEGRITY_CODES },
    play: answerWith((s, p, i, t) => {
      if (i !== 2) return false
      chunk(s, p, i, t, { tamper: true })
      return true
    }),
  },
  {
    id: '2.02',
    group: 'integrity',
    title: 'a replayed chunk is refused',
    spec: 'PROTOCOL §6: decrypt each chunk with the AAD it expects',
    expect: { error: INTEGRITY_CODES },
    play: answerWith((s, p, i, t) => {
      chunk(s, p, i, t)
      if (i === 1) chunk(s, p, i, t)
      return true
    }),
  },
  {
    id: '2.03',
    group: 'integrity',
    title: 'a dropped chunk is refused',
    spec: 'PROTOCOL §6',
    expect: { error: INTEGRITY_CODES },
    play: answerWith((_s, _p, i) => i === 2),
  },
  {
    id: '2.04',
    group: 'integrity',
    title: 'two chunks swapped are refused',
    spec: 'PROTOCOL §6',
    expect: { error: INTEGRITY_CODES },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      const order = [0, 2, 1, 3, 4]
      for (const i of order) chunk(s, p, i, ANSWER_CHUNKS[i]!)
      chunk(s, p, 5, '', { final: true })
      finalResponse(s, p)
      streamEnd(s, p, 5)
    },
  },
  {
    id: '2.05',
    group: 'integrity',
    title: 'a chunk sealed under the next AAD but labelled with this index is refused',
    spec: 'PROTOCOL §6: decrypt with the expected AAD, not the announced one',
    expect: { error: INTEGRITY_CODES },
    play: answerWith((s, p, i, t) => {
      if (i !== 1) return false
      chunk(s, p, i, t, { aad: 'chunk_2', announceAad: 'chunk_2' })
      return true
    }),
  },
  {
    id: '2.06',
    group: 'integrity',
    title: 'a stream_end without encrypted_response (truncation) is refused',
    spec: 'PROTOCOL §6: complete only after a valid encrypted_response',
    expect: { error: INTEGRITY_CODES },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      chunk(s, p, 0, ANSWER_CHUNKS[0])
      chunk(s, p, 1, ANSWER_CHUNKS[1])
      streamEnd(s, p, 2)
    },
  },
  {
    id: '2.07',
    group: 'integrity',
    title: 'a middle chunk relabelled final, followed by a valid encrypted_response, is refused',
    spec: 'PROTOCOL §6: the final flag is unauthenticated',
    expect: { error: INTEGRITY_CODES },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      chunk(s, p, 0, ANSWER_CHUNKS[0])
      chunk(s, p, 1, ANSWER_CHUNKS[1], { final: true })
      finalResponse(s, p)
      streamEnd(s, p, 2)
    },
  },
  {
    id: '2.08',
    group: 'integrity',
    title: 'an encrypted_response with a flipped bit is refused',
    spec: 'PROTOCOL §6',
    expect: { error: INTEGRITY_CODES },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      for (const [i, t] of ANSWER_CHUNKS.entries()) chunk(s, p, i, t)
      chunk(s, p, ANSWER_CHUNKS.length, '', { final: true })
      finalResponse(s, p, 'stop', { tamper: true })
      streamEnd(s, p, ANSWER_CHUNKS.length)
    },
  },
  {
    id: '2.09',
    group: 'integrity',
    title: 'chunks of an earlier answer replayed into the next answer are refused',
    spec: 'PROTOCOL §6: chunk AADs restart per prompt, so only nonce tracking catches this',
    expect: { error: INTEGRITY_CODES },
    prompts: 2,
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      const recorded: string[] = []
      const send = s.send.bind(s)
      s.send = (frame: object | string) => {
        const text = typeof frame === 'string' ? frame : JSON.stringify(frame)
        if (text.includes('"encrypted_chunk"')) recorded.push(text)
        send(text)
      }
      // The client reports the second answer; the first one only serves as the replay source.
      await faithfulAnswer(s, p)
      s.send = send
      const second = await s.receivePrompt()
      for (const text of recorded) s.send(text.replaceAll(JSON.stringify(p.id), JSON.stringify(second.id)))
      finalResponse(s, second)
      streamEnd(s, second, ANSWER_CHUNKS.length)
    },
  },
  {
    id: '3.01',
    group: 'handshake',
    title: 'an ack whose client_address is not the signer is refused',
    spec: 'PROTOCOL §4: the node only echoes the recovered address; the client must compare',
    expect: { error: ['CLIENT_ADDRESS_MISMATCH'] },
    play: async (s) => {
      await handshake(s, { client_address: '0x000000000000000000000000000000000000dead' })
      await s.receivePrompt().catch(() => undefined)
    },
  },
  {
    id: '3.02',
    group: 'handshake',
    title: 'a node holding another key (DECRYPTION_FAILED on init) is reported, not retried forever',
    spec: 'PROTOCOL §8',
    expect: { error: ['DECRYPTION_FAILED', 'NODE_KEY_MISMATCH'] },
    play: async (s) => {
      const init = await s.receiveUndecryptableInit()
      s.send({
        type: 'error',
        code: 'DECRYPTION_FAILED',
        message: 'Failed to decrypt session init payload: Decryption failed: aead::Error',
        session_id: init.session_id,
        id: init.id,
      })
    },
  },
  {
    id: '3.03',
    group: 'handshake',
    title: 'an ack whose status is not "success" is refused',
    spec: 'PROTOCOL §4: success reply has status "success"',
    expect: { error: ['INVALID_FRAME', 'NODE_ERROR', 'DECRYPTION_FAILED'] },
    play: async (s) => {
      await handshake(s, { status: 'failure' })
      await s.receivePrompt().catch(() => undefined)
    },
  },
  {
    id: '3.04',
    group: 'handshake',
    title: 'a node without a key (ENCRYPTION_NOT_SUPPORTED) is reported when plaintext was not allowed',
    spec: 'PROTOCOL §10: fall back only when the caller allowed it',
    expect: { error: ['ENCRYPTION_NOT_SUPPORTED'] },
    play: async (s) => {
      const init = await s.receiveUndecryptableInit()
      s.send({
        type: 'error',
        code: 'ENCRYPTION_NOT_SUPPORTED',
        message: 'Node does not have encryption key configured.',
        session_id: init.session_id,
        id: init.id,
      })
    },
  },
  {
    id: '4.01',
    group: 'errors',
    title: 'TOKEN_LIMIT_EXCEEDED (then stream_end error) is surfaced with its code',
    spec: 'PROTOCOL §8',
    expect: { error: ['TOKEN_LIMIT_EXCEEDED'] },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      s.send({
        type: 'error',
        code: 'TOKEN_LIMIT_EXCEEDED',
        message: 'Prompt too long',
        prompt_tokens: 9000,
        context_window_size: 8192,
        id: p.id,
      })
      s.send({ type: 'stream_end', reason: 'error', tokens_used: 0, id: p.id })
    },
  },
  {
    id: '4.02',
    group: 'errors',
    title: 'the code-less rate-limit error is surfaced as a rate-limit code',
    spec: 'PROTOCOL §8 shape B',
    expect: { error: ['RATE_LIMITED', 'RATE_LIMIT', 'RATE_LIMIT_EXCEEDED'] },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      s.send({ type: 'error', error: 'Rate limit exceeded, retry after 60 seconds', id: p.id })
      s.send({ type: 'stream_end', reason: 'error', tokens_used: 0, id: p.id })
    },
  },
  {
    id: '4.03',
    group: 'errors',
    title: 'ENCRYPTION_FAILED mid-answer is surfaced, the partial text is not delivered as an answer',
    spec: 'PROTOCOL §8',
    expect: { error: ['ENCRYPTION_FAILED'] },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      chunk(s, p, 0, ANSWER_CHUNKS[0])
      s.send({ type: 'error', code: 'ENCRYPTION_FAILED', message: 'Failed to encrypt response', id: p.id })
      s.send({ type: 'stream_end', reason: 'error', tokens_used: 1, id: p.id })
    },
  },
  {
    id: '4.04',
    group: 'errors',
    title: 'SESSION_KEY_NOT_FOUND: the client re-inits and resends once, then delivers the answer',
    spec: 'PROTOCOL §9: a node restart loses keys → re-init',
    expect: { delivered: ANSWER_TEXT },
    play: async (s) => {
      await handshake(s)
      const first = await s.receivePrompt()
      s.send({
        type: 'error',
        code: 'SESSION_KEY_NOT_FOUND',
        message: `No session key found for session_id: ${String(first.sessionId)}`,
        id: first.id,
      })
      await handshake(s)
      await faithfulAnswer(s, await s.receivePrompt())
    },
  },
  {
    id: '5.01',
    group: 'transport',
    title: 'the connection closing mid-answer is reported, the partial text is not delivered as an answer',
    spec: 'PROTOCOL §1',
    expect: { error: ['CONNECTION_LOST'] },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      chunk(s, p, 0, ANSWER_CHUNKS[0])
      chunk(s, p, 1, ANSWER_CHUNKS[1])
      await s.sleep(50)
      s.close(1011)
    },
  },
  {
    id: '5.02',
    group: 'transport',
    title: 'a frame over the 64 MiB message limit is refused without exhausting memory',
    spec: 'PROTOCOL §1: message size limit 64 MiB',
    expect: { error: ['INVALID_FRAME', 'CONNECTION_LOST', 'FRAME_TOO_LARGE'] },
    play: async (s) => {
      await handshake(s)
      const p = await s.receivePrompt()
      s.send(
        `{"type":"encrypted_chunk","id":${JSON.stringify(p.id)},"pad":"${'['.repeat(NODE_MESSAGE_LIMIT)}"}`,
      )
    },
  },
]
