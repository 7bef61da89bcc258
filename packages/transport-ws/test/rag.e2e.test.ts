import { describe, expect, it } from 'vitest'
import { plaintextProtocol } from '../src/plaintext.js'
import { vectors } from '../src/rag.js'
import { expectCode } from './helpers/flows.js'
import { eventually, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const vec = (x: number) => Array.from({ length: 384 }, (_, i) => (i === x ? 1 : i === x + 1 ? 0.5 : 0))

describe.each(SHELLS)('RAG over a real socket (node-sim; plaintext by design) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('is refused without the plaintextRag opt-in (INVALID_CONFIG), nothing is sent', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const mark = sim.tap.mark
    const e = await expectCode(
      vectors(session).upload([{ id: 'a', vector: vec(0) }], { replace: true }),
      'INVALID_CONFIG',
    )
    expect(e.details?.field).toBe('plaintextRag')
    await expectCode(vectors(session).search(vec(0), { k: 1 }), 'INVALID_CONFIG')
    expect(sim.tap.frames.slice(mark).filter((f) => f.direction === 'in')).toEqual([])
  })

  it('uploads (per-vector rejections reported), searches with k, threshold and filter', async () => {
    const sim = await h.startSim({ ragCapacity: 3 })
    const { session } = await h.session(sim, { plaintextRag: true })
    const rag = vectors(session)
    const up = await rag.upload(
      [
        { id: 'a', vector: vec(0), metadata: { topic: 'ml' } },
        { id: 'b', vector: vec(1), metadata: { topic: 'db' } },
        { id: 'c', vector: vec(2) },
        { id: 'd', vector: vec(3) },
      ],
      { replace: true },
    )
    expect(up).toEqual({
      status: 'partial',
      uploaded: 3,
      rejected: 1,
      rejections: [{ id: 'd', reason: 'Maximum vector capacity reached: 3 vectors (max: 3)' }],
      batches: 1,
    })
    const all = await rag.search(vec(0), { k: 10 })
    expect(all.results[0]?.id).toBe('a')
    expect(all.totalVectors).toBe(3)
    expect((await rag.search(vec(0), { k: 10, threshold: 0.5 })).results.map((r) => r.id)).toEqual(['a'])
    const filtered = await rag.search(vec(0), { k: 10, filter: { topic: { $eq: 'db' } } })
    expect(filtered.results.map((r) => r.id)).toEqual(['b'])
    expect(filtered.results[0]?.metadata).toEqual({ topic: 'db' })
    // The documented leak: metadata is on the wire in plaintext.
    expect(sim.tap.frames.some((f) => f.direction === 'in' && f.text.includes('"topic":"ml"'))).toBe(true)
  })

  it('works on a plaintext session too (the store is keyed by the connection session id)', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, {
      encryption: false,
      plaintext: plaintextProtocol,
      plaintextRag: true,
    })
    await vectors(session).upload([{ id: 'p', vector: vec(4) }], { replace: true })
    expect((await vectors(session).search(vec(4), { k: 1 })).results[0]?.id).toBe('p')
  })

  it('replace: true clears the store; replace: false adds', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { plaintextRag: true })
    const rag = vectors(session)
    await rag.upload([{ id: 'a', vector: vec(0) }], { replace: true })
    await rag.upload([{ id: 'b', vector: vec(1) }], { replace: false })
    expect((await rag.search(vec(0), { k: 5 })).totalVectors).toBe(2)
    await rag.upload([{ id: 'c', vector: vec(2) }], { replace: true })
    expect((await rag.search(vec(0), { k: 5 })).totalVectors).toBe(1)
  })

  it('node error (shape B, no correlation): a search before any upload → RAG_NOT_ENABLED with the node text', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { plaintextRag: true })
    const e = await expectCode(
      vectors(session).search(vec(0), { k: 1 }),
      'RAG_NOT_ENABLED',
      /found but RAG not enabled/,
    )
    expect(e.fatal).toBe(false)
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('refuses vectors that are not 384-dimensional, a negative k, or oversized metadata before sending', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { plaintextRag: true })
    const rag = vectors(session)
    await expectCode(rag.upload([{ id: 'x', vector: [1, 2, 3] }], { replace: false }), 'INVALID_PROMPT')
    await expectCode(
      rag.upload([{ id: 'x', vector: vec(0), metadata: 'm'.repeat(11_000) }], { replace: false }),
      'INVALID_PROMPT',
    )
    await expectCode(rag.search(vec(0), { k: -1 }), 'INVALID_PROMPT')
  })

  it('busy state: RAG calls issued during a chat stream wait for it (the node would drop them)', async () => {
    const sim = await h.startSim({ chunkDelayMs: 20 })
    const { session } = await h.session(sim, { plaintextRag: true })
    const chat = session.send('What is 2+2?')
    const up = vectors(session).upload([{ id: 'a', vector: vec(0) }], { replace: true })
    expect((await chat).text).toBe('2 + 2 = 4.')
    expect((await up).uploaded).toBe(1)
  })

  it('disconnect mid-flow: CONNECTION_LOST; vectors survive the encrypted re-init on the new connection', async () => {
    const sim = await h.startSim()
    const proxy = await h.startProxy(sim)
    const { session } = await h.session({ ...sim, url: proxy.url }, { plaintextRag: true })
    await vectors(session).upload([{ id: 'a', vector: vec(0) }], { replace: true })
    sim.handle.setFaults({ silent: true })
    const mark = sim.tap.mark
    const pending = vectors(session).search(vec(0), { k: 1 })
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'searchVectors', mark)
    proxy.dropAll()
    await expectCode(pending, 'CONNECTION_LOST')
    sim.handle.setFaults({})
    await eventually(() => session.status === 'encrypted', 'reconnected')
    expect((await vectors(session).search(vec(0), { k: 1 })).results[0]?.id).toBe('a')
  })

  it('abort: ABORTED, and the connection is recycled so a late uncorrelated reply cannot be misattributed', async () => {
    const sim = await h.startSim({ chunkDelayMs: 30 })
    const { session } = await h.session(sim, { plaintextRag: true })
    const chat = session.send('What is 2+2?')
    const ac = new AbortController()
    const pending = vectors(session).search(vec(0), { k: 1, signal: ac.signal })
    ac.abort()
    await expectCode(pending, 'ABORTED')
    expect((await chat).text).toBe('2 + 2 = 4.')
  })
})
