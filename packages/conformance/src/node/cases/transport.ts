import type { NodeCase } from '../case.js'
import { check } from '../probe.js'
import { stillUsable } from '../steps.js'

/** Frames the node must ignore without a reply, and still serve the connection afterwards. */
const IGNORED: { title: string; frame: string; spec: string }[] = [
  { title: 'a text frame that is not JSON', frame: 'this is not json', spec: 'PROTOCOL §1' },
  { title: 'an unknown type', frame: '{"type":"no_such_type","id":"x"}', spec: 'PROTOCOL §1' },
  { title: 'a JSON array', frame: '[1,2,3]', spec: 'PROTOCOL §1' },
  { title: 'a frame without type', frame: '{"id":"x","session_id":"s"}', spec: 'PROTOCOL §1' },
  { title: 'the SDK heartbeat {"type":"ping"}', frame: '{"type":"ping"}', spec: 'SURFACE §3.6' },
  {
    title: 'session_resume (documented, not served)',
    frame: '{"type":"session_resume","session_id":"s"}',
    spec: 'SURFACE §1.3',
  },
  {
    title: 'session_end (documented, not served)',
    frame: '{"type":"session_end","session_id":"s"}',
    spec: 'SURFACE §1.3',
  },
  { title: 'auth (documented, not served)', frame: '{"type":"auth","token":"t"}', spec: 'SURFACE §1.3' },
  {
    title: 'signed_prompt (documented, not served)',
    frame: '{"type":"signed_prompt","prompt":"p"}',
    spec: 'SURFACE §1.3',
  },
  {
    title: 'batch_prompt (documented, not served)',
    frame: '{"type":"batch_prompt","prompts":["p"]}',
    spec: 'SURFACE §1.3',
  },
  {
    title: 'stream_cancel while idle',
    frame: '{"type":"stream_cancel","session_id":"s"}',
    spec: 'PROTOCOL §7',
  },
  {
    title: 'transcode_cancel outside a transcode',
    frame: '{"type":"transcode_cancel"}',
    spec: 'SURFACE §7.7',
  },
  { title: 'ltx_cancel outside a render', frame: '{"type":"ltx_cancel"}', spec: 'SURFACE §8.8' },
  {
    title: 'LoadVectorDatabase (documented, not served)',
    frame: '{"type":"LoadVectorDatabase","manifestPath":"m"}',
    spec: 'SURFACE §1.3',
  },
]

export const transportCases: NodeCase[] = [
  {
    id: '1.01',
    group: 'transport',
    title: 'the node greets with connected right after the upgrade',
    spec: 'PROTOCOL §1: {"type":"connected","message":"WebSocket connected successfully"}',
    async run(ctx) {
      // connect() already requires the greeting; check its exact shape here.
      const probe = await ctx.connect()
      const greeting = probe.frames.find((f) => f.dir === '←')
      check(greeting, 'no greeting recorded')
      const json = JSON.parse(greeting.text) as Record<string, unknown>
      check(typeof json.message === 'string', 'connected.message is not a string')
    },
  },
  {
    id: '1.02',
    group: 'transport',
    title: 'WebSocket ping is answered with a pong carrying the same payload',
    spec: 'SURFACE §1.2',
    async run(ctx) {
      const probe = await ctx.connect()
      const payload = new TextEncoder().encode('fabstir-conformance')
      const pong = await probe.ping(payload)
      check(
        Buffer.from(pong).equals(Buffer.from(payload)),
        `pong payload ${Buffer.from(pong).toString('hex')} differs from the ping payload`,
      )
    },
  },
  {
    id: '1.03',
    group: 'transport',
    title: 'a binary frame is ignored and the connection stays usable',
    spec: 'SURFACE §1.2',
    async run(ctx) {
      const probe = await ctx.connect()
      probe.sendBinary(new Uint8Array([1, 2, 3, 4]))
      await probe.expectSilence(ctx.target.silenceMs, 'a binary frame')
      await stillUsable(ctx, probe)
    },
  },
  ...IGNORED.map(
    (c, i): NodeCase => ({
      id: `1.${String(i + 4).padStart(2, '0')}`,
      group: 'transport',
      title: `${c.title} is ignored without a reply; the connection stays usable`,
      spec: c.spec,
      async run(ctx) {
        const probe = await ctx.connect()
        probe.send(c.frame)
        await probe.expectSilence(ctx.target.silenceMs, c.title)
        await stillUsable(ctx, probe)
      },
    }),
  ),
]
