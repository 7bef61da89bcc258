import { TINY_PNG_BASE64 } from '../actions.js'
import type { NodeCase } from '../case.js'
import { check } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, initEncrypted } from '../steps.js'

const needs = ['encryption'] as const

export const visionCases: NodeCase[] = [
  {
    id: '13.01',
    group: 'vision',
    title:
      'a prompt with images inside the encrypted payload is answered (vlm_tokens, when present, is a positive integer)',
    spec: 'SURFACE §10.4, §10.7',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const prompt = JSON.stringify({
        prompt: 'What is in this picture?',
        images: [{ data: TINY_PNG_BASE64, format: 'png' }],
      })
      const answer = await ask(probe, s, prompt, { id: 'vision' })
      const vlm = answer.streamEnd.vlm_tokens
      check(
        vlm === undefined || (Number.isInteger(vlm) && (vlm as number) > 0),
        `vlm_tokens ${JSON.stringify(vlm)} (only sent when > 0)`,
      )
    },
  },
  {
    id: '13.02',
    group: 'vision',
    title:
      'web search requested inside the encrypted payload is answered, and nothing about it appears in plaintext',
    spec: 'SURFACE §10.5: no frames report the search; §13.11: never put the search fields on the outer frame',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      const prompt = JSON.stringify({
        prompt: "Summarise today's news about lighthouses.",
        web_search: true,
        max_searches: 1,
        search_queries: ['lighthouse news'],
      })
      const answer = await ask(probe, s, prompt, { id: 'ws-1' })
      const plain = JSON.stringify(answer.streamEnd)
      check(!/search/i.test(plain), `stream_end mentions the search in plaintext: ${plain}`)
      const leaked = probe.frames.filter((f) => f.dir === '←' && f.text.includes('lighthouse news'))
      check(leaked.length === 0, 'the search query appears in a plaintext node frame')
    },
  },
  {
    id: '13.03',
    group: 'vision',
    title: 'max_searches 0 is accepted (it disables search even when a query would auto-detect it)',
    spec: 'SURFACE §10.5',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await ask(probe, s, JSON.stringify({ prompt: 'What is the latest news?', max_searches: 0 }), {
        id: 'no-search',
      })
    },
  },
  {
    id: '13.04',
    group: 'vision',
    title: 'a negative max_searches gets no reply at all (node quirk: validate before sending)',
    spec: 'SURFACE §10.6',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, JSON.stringify({ prompt: 'hi', max_searches: -1 }), {
          id: 'neg',
        }),
      )
      await probe.expectSilence(ctx.target.silenceMs * 2, 'max_searches -1')
    },
  },
]
