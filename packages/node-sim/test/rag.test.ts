import { describe, expect, it } from 'vitest'
import { createNodeCore, RAG_CAPACITY } from '../src/index.js'
import { coreSession } from './helpers/actions.js'
import { FrameQueue } from './helpers/frame-queue.js'
import { buildInit } from './helpers/protocol-client.js'

/** A unit vector along axis i (384 dims), optionally mixed with axis j. */
function vec(i: number, j?: number, w = 0.5): number[] {
  const v = new Array(384).fill(0)
  v[i] = 1
  if (j !== undefined) v[j] = w
  return v
}

function plainConn(core: ReturnType<typeof createNodeCore>) {
  const q = new FrameQueue()
  const conn = core.openConnection((t) => q.push(t))
  const send = (f: Record<string, unknown> | string) =>
    conn.receive(typeof f === 'string' ? f : JSON.stringify(f))
  const request = async (f: Record<string, unknown> | string) => {
    send(f)
    return q.next()
  }
  return { q, conn, send, request }
}

describe('RAG uploadVectors / searchVectors (PROTOCOL-SURFACE §9)', () => {
  it('upload then search: cosine scores, sorted, k cut, requestId echoed, no vector field', async () => {
    const core = createNodeCore()
    const c = plainConn(core)
    await c.q.next()
    const up = await c.request({
      type: 'uploadVectors',
      requestId: 'u1',
      replace: false,
      vectors: [
        { id: 'a', vector: vec(0), metadata: { topic: 'ml', n: 1 } },
        { id: 'b', vector: vec(0, 1), metadata: { topic: 'db' } },
        { id: 'c', vector: vec(1), metadata: null },
      ],
    })
    expect(up).toEqual({
      type: 'uploadVectorsResponse',
      requestId: 'u1',
      status: 'success',
      uploaded: 3,
      rejected: 0,
      errors: [],
    })
    const res = await c.request({ type: 'searchVectors', requestId: 's1', queryVector: vec(0), k: 2 })
    expect(res).toEqual({
      type: 'searchVectorsResponse',
      requestId: 's1',
      results: [
        { id: 'a', score: 1, metadata: { topic: 'ml', n: 1 } },
        { id: 'b', score: 0.8944272, metadata: { topic: 'db' } },
      ],
      totalVectors: 3,
      searchTimeMs: expect.any(Number),
    })
    // scores are f32 written as floats: 1.0, 0.8944272
    expect(c.q.texts.at(-1)).toContain('"score":1.0,')
    expect(c.q.texts.at(-1)).toContain('"score":0.8944272,')
    // k is not capped; 0 gives no results; a threshold filters
    expect((await c.request({ type: 'searchVectors', queryVector: vec(0), k: 1000 })).results).toHaveLength(3)
    expect((await c.request({ type: 'searchVectors', queryVector: vec(0), k: 0 })).results).toEqual([])
    const th = await c.request({ type: 'searchVectors', queryVector: vec(0), k: 10, threshold: 0.9 })
    expect(th.results.map((r: { id: string }) => r.id)).toEqual(['a'])
    expect(th).not.toHaveProperty('requestId')
  })

  it('per-vector rejections in order, statuses, overwrite, metadata ≤ 10,240 compact bytes', async () => {
    const core = createNodeCore()
    const c = plainConn(core)
    await c.q.next()
    const big = { t: 'x'.repeat(10_240 - 8) } // {"t":"…"} = 10,240 bytes exactly
    const tooBig = { t: 'x'.repeat(10_240 - 7) }
    const r = await c.request(
      `{"type":"uploadVectors","replace":true,"vectors":[` +
        `{"id":"short","vector":[1,2],"metadata":null},` +
        `{"id":"inf","vector":[${[1e39, ...vec(0).slice(1)].join(',')}],"metadata":null},` +
        `{"id":"fits","vector":[${vec(2).join(',')}],"metadata":${JSON.stringify(big)}},` +
        `{"id":"big","vector":[${vec(3).join(',')}],"metadata":${JSON.stringify(tooBig)}}]}`,
    )
    expect(r).toEqual({
      type: 'uploadVectorsResponse',
      status: 'partial',
      uploaded: 1,
      rejected: 3,
      errors: [
        'short: Invalid vector dimensions: expected 384, got 2',
        'inf: Invalid vector values: contains NaN or Infinity (all values must be finite numbers)',
        'big: Metadata too large: 10241 bytes (max: 10240 bytes / ~10KB)',
      ],
    })
    const all = await c.request({
      type: 'uploadVectors',
      replace: false,
      vectors: [{ id: 'x', vector: [], metadata: 1 }],
    })
    expect(all).toMatchObject({ status: 'error', uploaded: 0, rejected: 1 })
    const empty = await c.request({ type: 'uploadVectors', replace: false, vectors: [] })
    expect(empty).toMatchObject({ status: 'success', uploaded: 0, rejected: 0, errors: [] })
    // an existing id is overwritten
    await c.request({
      type: 'uploadVectors',
      replace: false,
      vectors: [{ id: 'fits', vector: vec(5), metadata: 'v2' }],
    })
    const s = await c.request({ type: 'searchVectors', queryVector: vec(5), k: 5 })
    expect(s.totalVectors).toBe(1)
    expect(s.results[0]).toMatchObject({ id: 'fits', metadata: 'v2', score: 1 })
    // replace:true clears the store even when every vector is then rejected
    await c.request({
      type: 'uploadVectors',
      replace: true,
      vectors: [{ id: 'bad', vector: [1], metadata: null }],
    })
    expect((await c.request({ type: 'searchVectors', queryVector: vec(5), k: 5 })).totalVectors).toBe(0)
  })

  it('capacity per store (100,000 by default); overwriting an existing id still works when full', async () => {
    expect(RAG_CAPACITY).toBe(100_000)
    const core = createNodeCore({ ragCapacity: 3 })
    const c = plainConn(core)
    await c.q.next()
    const v = (id: string) => ({ id, vector: vec(0), metadata: null })
    expect(
      (await c.request({ type: 'uploadVectors', replace: false, vectors: [v('a'), v('b'), v('c')] }))
        .uploaded,
    ).toBe(3)
    expect(
      await c.request({ type: 'uploadVectors', replace: false, vectors: [v('d'), v('a'), v('e')] }),
    ).toEqual({
      type: 'uploadVectorsResponse',
      status: 'partial',
      uploaded: 1,
      rejected: 2,
      errors: [
        'd: Maximum vector capacity reached: 3 vectors (max: 3)',
        'e: Maximum vector capacity reached: 3 vectors (max: 3)',
      ],
    })
  })

  it('no batch-size cap: 2,000 vectors in one frame', async () => {
    const core = createNodeCore()
    const c = plainConn(core)
    await c.q.next()
    const v = `[${vec(0).join(',')}]`
    const text = `{"type":"uploadVectors","replace":false,"vectors":[${Array.from({ length: 2000 }, (_, i) => `{"id":"v${i}","vector":${v},"metadata":null}`).join(',')}]}`
    expect((await c.request(text)).uploaded).toBe(2000)
  }, 30_000)

  it('filters: $eq / $in, missing field = null, non-object condition ignored; threshold ignored with a filter', async () => {
    const core = createNodeCore()
    const c = plainConn(core)
    await c.q.next()
    await c.request({
      type: 'uploadVectors',
      replace: true,
      vectors: [
        { id: 'a', vector: vec(0), metadata: { topic: 'ml', year: 2024 } },
        { id: 'b', vector: vec(1), metadata: { topic: 'db', year: 2023 } },
        { id: 'c', vector: vec(2), metadata: { year: 2024 } },
      ],
    })
    const ids = async (extra: Record<string, unknown>) =>
      (await c.request({ type: 'searchVectors', queryVector: vec(0), k: 10, ...extra })).results.map(
        (r: { id: string }) => r.id,
      )
    expect(await ids({ metadataFilter: { topic: { $eq: 'db' } } })).toEqual(['b'])
    expect(await ids({ metadataFilter: { topic: { $in: ['ml', 'db'] } } })).toEqual(['a', 'b'])
    expect(await ids({ metadataFilter: { topic: { $eq: null } } })).toEqual(['c'])
    expect(await ids({ metadataFilter: { topic: 'ml' } })).toEqual(['a', 'b', 'c'])
    expect(await ids({ metadataFilter: { topic: { $regex: 'x' } } })).toEqual(['a', 'b', 'c'])
    expect(await ids({ metadataFilter: [1] })).toEqual(['a', 'b', 'c'])
    expect(await ids({ metadataFilter: { year: { $eq: 2024 } }, threshold: 0.99 })).toEqual(['a', 'c'])
    expect(await ids({ metadataFilter: null, threshold: 0.99 })).toEqual(['a'])
    // integers and floats never compare equal (serde_json::Value)
    c.send(
      '{"type":"searchVectors","queryVector":[' +
        vec(0).join(',') +
        '],"k":10,"metadataFilter":{"year":{"$eq":2024.0}}}',
    )
    expect((await c.q.next()).results).toEqual([])
  })

  it('shape-B errors without id/requestId, exact texts, socket stays open', async () => {
    const core = createNodeCore()
    const c = plainConn(core)
    await c.q.next()
    const err = (error: string) => ({ type: 'error', error })
    expect(await c.request({ type: 'searchVectors', requestId: 'r', queryVector: vec(0), k: 1 })).toEqual(
      err('Session default-rag-session not found. Upload vectors first.'),
    )
    expect(await c.request({ type: 'uploadVectors', requestId: 'r', vectors: [] })).toEqual(
      err('Invalid uploadVectors request: missing field `replace`'),
    )
    expect(await c.request({ type: 'uploadVectors', replace: true })).toEqual(
      err('Invalid uploadVectors request: missing field `vectors`'),
    )
    expect(await c.request({ type: 'uploadVectors', requestId: 5, replace: true, vectors: [] })).toEqual(
      err('Invalid uploadVectors request: invalid type: integer `5`, expected a string'),
    )
    expect(
      await c.request({ type: 'uploadVectors', replace: true, vectors: [{ id: 'a', vector: vec(0) }] }),
    ).toEqual(err('Invalid uploadVectors request: missing field `metadata`'))
    await c.request({ type: 'uploadVectors', replace: true, vectors: [] })
    expect(await c.request({ type: 'searchVectors', queryVector: vec(0) })).toEqual(
      err('Invalid searchVectors request: missing field `k`'),
    )
    expect(await c.request({ type: 'searchVectors', k: 1 })).toEqual(
      err('Invalid searchVectors request: missing field `queryVector`'),
    )
    expect(await c.request({ type: 'searchVectors', queryVector: vec(0), k: -1 })).toEqual(
      err('Invalid searchVectors request: invalid value: integer `-1`, expected usize'),
    )
    expect(await c.request({ type: 'searchVectors', queryVector: vec(0), k: 1.5 })).toEqual(
      err('Invalid searchVectors request: invalid type: floating point `1.5`, expected usize'),
    )
    // dimensions are checked even on an empty store
    expect(await c.request({ type: 'searchVectors', queryVector: [1, 2, 3], k: 1 })).toEqual(
      err('Search vectors failed: Invalid query dimensions: expected 384, got 3'),
    )
    expect(c.conn.closed).toBe(false)
  })

  it('store keyed by the connection session id (frame ids ignored); plaintext session_init wipes it, encrypted init keeps it', async () => {
    const s = await coreSession({}, { sessionId: 'rag-1' })
    const up = {
      type: 'uploadVectors',
      session_id: 'other',
      sessionId: 'other',
      replace: false,
      vectors: [{ id: 'a', vector: vec(0), metadata: null }],
    }
    s.send(up)
    expect((await s.q.next()).uploaded).toBe(1)
    // another socket naming the same session via a plaintext init reads (and wipes) it
    const other = plainConn(s.core)
    await other.q.next()
    const search = { type: 'searchVectors', queryVector: vec(0), k: 1 }
    expect(await other.request(search)).toEqual({
      type: 'error',
      error: 'Session default-rag-session not found. Upload vectors first.',
    })
    await other.request({ type: 'session_init', session_id: 'rag-1' })
    expect(await other.request(search)).toEqual({
      type: 'error',
      error: 'Session rag-1 found but RAG not enabled. Upload vectors first.',
    })
    s.send(search)
    expect((await s.q.next()).error).toBe('Session rag-1 found but RAG not enabled. Upload vectors first.')
    // an encrypted re-init preserves vectors
    s.send(up)
    await s.q.next()
    const again = await coreSession({}, { core: s.core, sessionId: 'rag-1' })
    again.send(search)
    expect((await again.q.next()).totalVectors).toBe(1)
    // vectors survive a disconnect
    again.conn.close()
    const third = await coreSession({}, { core: s.core, sessionId: 'rag-1' })
    third.send(search)
    expect((await third.q.next()).totalVectors).toBe(1)
  })

  it('uninitialised sockets share default-rag-session', async () => {
    const core = createNodeCore()
    const a = plainConn(core)
    const b = plainConn(core)
    await a.q.next()
    await b.q.next()
    await a.request({
      type: 'uploadVectors',
      replace: false,
      vectors: [{ id: 'shared', vector: vec(0), metadata: null }],
    })
    expect((await b.request({ type: 'searchVectors', queryVector: vec(0), k: 1 })).results[0].id).toBe(
      'shared',
    )
  })

  it('vectorDatabase in the session data has no visible effect (no frames, search not enabled)', async () => {
    const core = createNodeCore()
    const c = plainConn(core)
    await c.q.next()
    const init = buildInit({
      nodePublicKey: core.publicKey,
      sessionId: 'vdb',
      sessionDataText:
        '{"sessionKey":"SESSION_KEY","jobId":"1","modelName":"m","pricePerToken":1,"vectorDatabase":{"manifestPath":"home/db/manifest.json","userAddress":"0x0000000000000000000000000000000000000001"}}',
    })
    expect((await c.request(init.frame)).type).toBe('session_init_ack')
    expect(await c.request({ type: 'searchVectors', queryVector: vec(0), k: 1 })).toEqual({
      type: 'error',
      error: 'Session vdb found but RAG not enabled. Upload vectors first.',
    })
    expect(c.q.pending).toBe(0)
  })
})
