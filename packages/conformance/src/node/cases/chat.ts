import type { NodeCase } from '../case.js'
import { check } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, initEncrypted, readAnswer } from '../steps.js'

const needs = ['encryption'] as const

export const chatCases: NodeCase[] = [
  {
    id: '4.01',
    group: 'chat',
    title: 'an answer is chunk_0…chunk_k in order, a final chunk, encrypted_response "stop", then stream_end',
    spec: 'PROTOCOL §6',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const a = await ask(probe, s, 'What is the capital of France? Answer in one sentence.', {
        id: 'p-1',
      })
      const last = a.chunks[a.chunks.length - 1]!
      check(last.final, 'the last chunk is not marked final')
      check(last.tokens === 0, `the final chunk has tokens ${JSON.stringify(last.tokens)}, expected 0`)
      check(a.chunks.length >= 2, 'the answer has no text chunk before the final one')
      check(
        a.chunks.slice(0, -1).every((c) => c.tokens === 1),
        'a text chunk does not carry tokens: 1',
      )
      check(
        a.finishReason === 'stop',
        `encrypted_response says ${JSON.stringify(a.finishReason)}, expected "stop"`,
      )
      check(
        a.streamEnd.id === 'p-1',
        `stream_end echoes id ${JSON.stringify(a.streamEnd.id)}, expected "p-1"`,
      )
    },
  },
  {
    id: '4.02',
    group: 'chat',
    title: 'chunk indices and AADs restart at chunk_0 for the next prompt',
    spec: 'PROTOCOL §6: i reset to 0 for every prompt',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await ask(probe, s, 'First question: what is 2+2?', { id: 'p-1', aad: 'message_0' })
      await ask(probe, s, 'Second question: what is 3+3?', { id: 'p-2', aad: 'message_1' })
    },
  },
  {
    id: '4.03',
    group: 'chat',
    title: 'a JSON prompt object (prompt, max_tokens, temperature, thinking, web_search false) is answered',
    spec: 'PROTOCOL §5; SURFACE §10.1',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const prompt = JSON.stringify({
        prompt: 'Name a colour.',
        max_tokens: 64,
        temperature: 0.2,
        thinking: 'disabled',
        web_search: false,
      })
      await ask(probe, s, prompt, { id: 'json-1' })
    },
  },
  {
    id: '4.04',
    group: 'chat',
    title: 'max_tokens bounds the number of text chunks',
    spec: 'PROTOCOL §5: max_tokens (u32)',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const prompt = JSON.stringify({
        prompt: 'Write a long story about a lighthouse keeper and the sea.',
        max_tokens: 3,
      })
      const a = await ask(probe, s, prompt, { id: 'short' })
      const text = a.chunks.filter((c) => !c.final).length
      check(text <= 3, `max_tokens 3 produced ${text} text chunks`)
    },
  },
  {
    id: '4.05',
    group: 'chat',
    title: 'the request AAD is not checked by the node (any label works)',
    spec: 'PROTOCOL §5: the node decrypts with whatever AAD is sent',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await ask(probe, s, 'Any AAD?', { id: 'aad-1', aad: 'not_message_n' })
    },
  },
  {
    id: '4.06',
    group: 'chat',
    title: 'a message without session_id uses the connection session',
    spec: 'SURFACE §2.1 MISSING_SESSION_ID: only when the connection has none either',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, 'No session id on this frame.', {
          id: 'nosid',
          omitSessionId: true,
        }),
      )
      await readAnswer(probe, s.sessionKey, 'nosid')
    },
  },
  {
    id: '4.07',
    group: 'chat',
    title: 'a replayed encrypted_message is answered again (the node keeps no replay cache)',
    spec: 'PROTOCOL §11.6: replays are not rejected by the node; clients must not rely on it',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const frame = buildMessage(s.sessionKey, s.sessionId, 'Say hello.', { id: 'replay' })
      probe.send(frame)
      await readAnswer(probe, s.sessionKey, 'replay')
      probe.send(frame)
      await readAnswer(probe, s.sessionKey, 'replay')
    },
  },
  {
    id: '4.08',
    group: 'chat',
    title: 'every node seal uses a fresh nonce (across chunks and answers)',
    spec: 'PROTOCOL §3: a fresh CSPRNG nonce for every seal',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await ask(probe, s, 'One two three four five.', { id: 'n-1' })
      await ask(probe, s, 'One two three four five.', { id: 'n-2', aad: 'message_1' })
      const nonces = probe.frames
        .filter((f) => f.dir === '←')
        .map((f) => (JSON.parse(f.text) as { payload?: { nonceHex?: string } }).payload?.nonceHex)
        .filter((n): n is string => typeof n === 'string')
      check(new Set(nonces).size === nonces.length, 'the node reused a nonce under the session key')
    },
  },
  {
    id: '4.09',
    group: 'chat',
    title: 'non-ASCII prompts and answers survive the round trip',
    spec: 'PROTOCOL §5: plaintext is UTF-8',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await ask(probe, s, 'Grüße — 你好 — 🔒: reply with a greeting.', { id: 'utf8' })
    },
  },
  {
    id: '4.10',
    group: 'chat',
    title: 'a bare-string prompt and an object prompt on one session both work',
    spec: 'PROTOCOL §5: a bare prompt string, or a JSON object',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await ask(probe, s, 'plain text prompt', { id: 'bare' })
      await ask(probe, s, JSON.stringify({ prompt: 'object prompt' }), {
        id: 'object',
        aad: 'message_1',
      })
    },
  },
]
