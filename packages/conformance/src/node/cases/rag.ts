import { bytesToHex, randomBytes } from '@fabstir/crypto'
import type { CaseContext, NodeCase } from '../case.js'
import { check, NotServed, type Probe } from '../probe.js'
import { expectType, initEncrypted } from '../steps.js'

const DIM = 384

/** A 384-d vector pointing mostly along axis `axis`. */
function vector(axis: number, tilt = 0): number[] {
  const v = new Array<number>(DIM).fill(0)
  v[axis % DIM] = 1
  v[(axis + 1) % DIM] = tilt
  return v
}

/** A connection with a fresh session id set by a plaintext init (the RAG store is keyed by it). */
async function ragSocket(ctx: CaseContext): Promise<{ probe: Probe; sessionId: string }> {
  const probe = await ctx.connect()
  const sessionId = `conf-rag-${bytesToHex(randomBytes(6))}`
  probe.send({ type: 'session_init', id: 'rag-init', session_id: sessionId, job_id: 1, chain_id: 84532 })
  await expectType(probe, 'session_init_ack', 'session_init_ack')
  return { probe, sessionId }
}

/** Send a RAG frame and read its reply; no reply at all means the node does not serve RAG. */
async function rag(
  probe: Probe,
  frame: Record<string, unknown>,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  probe.send(frame)
  const reply = await probe.tryNext(timeoutMs)
  if (!reply) throw new NotServed(`no reply to ${String(frame.type)}`)
  check(reply.json, `the ${String(frame.type)} reply is not a JSON object`)
  return reply.json
}

async function upload(
  ctx: CaseContext,
  probe: Probe,
  vectors: unknown[],
  replace = true,
  requestId = 'up-1',
) {
  const reply = await rag(probe, { type: 'uploadVectors', requestId, vectors, replace }, ctx.target.timeoutMs)
  check(
    reply.type === 'uploadVectorsResponse',
    `expected uploadVectorsResponse, got ${JSON.stringify(reply).slice(0, 200)}`,
  )
  check(reply.requestId === requestId, `requestId ${JSON.stringify(reply.requestId)} is not echoed`)
  return reply
}

async function search(ctx: CaseContext, probe: Probe, extra: Record<string, unknown>) {
  return rag(
    probe,
    { type: 'searchVectors', requestId: 'search-1', queryVector: vector(0), k: 10, ...extra },
    ctx.target.timeoutMs,
  )
}

/** A code-less (shape-B) RAG error: no code, no id, no requestId. */
function expectRagError(reply: Record<string, unknown>, prefix: string): void {
  check(reply.type === 'error', `expected an error, got ${JSON.stringify(reply).slice(0, 200)}`)
  check(
    reply.code === undefined && reply.id === undefined && reply.requestId === undefined,
    'RAG errors carry no code, id or requestId',
  )
  check(
    typeof reply.error === 'string' && reply.error.startsWith(prefix),
    `expected "${prefix}…", got ${JSON.stringify(reply.error)}`,
  )
}

const docs = [
  { id: 'doc-a', vector: vector(0), metadata: { topic: 'ml', text: 'alpha' } },
  { id: 'doc-b', vector: vector(0, 1), metadata: { topic: 'db', text: 'beta' } },
  { id: 'doc-c', vector: vector(5), metadata: null },
]

export const ragCases: NodeCase[] = [
  {
    id: '12.01',
    group: 'rag',
    title: 'uploadVectors stores 384-d vectors: status success, uploaded count, requestId echoed',
    spec: 'SURFACE §9.2',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      const reply = await upload(ctx, probe, docs)
      check(
        reply.status === 'success' && reply.uploaded === 3 && reply.rejected === 0,
        `reply ${JSON.stringify(reply)}`,
      )
      check(Array.isArray(reply.errors) && reply.errors.length === 0, 'errors is not an empty array')
    },
  },
  {
    id: '12.02',
    group: 'rag',
    title: 'searchVectors ranks by cosine score, cuts to k, returns id/score/metadata and no vector',
    spec: 'SURFACE §9.3',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      await upload(ctx, probe, docs)
      const reply = await search(ctx, probe, { k: 2 })
      check(
        reply.type === 'searchVectorsResponse' && reply.requestId === 'search-1',
        `reply ${JSON.stringify(reply).slice(0, 200)}`,
      )
      const results = reply.results as { id: string; score: number; vector?: unknown }[]
      check(
        Array.isArray(results) && results.length === 2,
        `expected 2 results (k), got ${JSON.stringify(results)}`,
      )
      check(
        results[0]!.id === 'doc-a' && results[1]!.id === 'doc-b',
        `ranking ${results.map((r) => r.id).join(', ')}`,
      )
      check(
        Math.abs(results[0]!.score - 1) < 1e-6 && results[0]!.score >= results[1]!.score,
        'scores are not cosine, descending',
      )
      check(
        results.every((r) => !('vector' in r)),
        'results carry a vector field',
      )
      check(reply.totalVectors === 3 && typeof reply.searchTimeMs === 'number', 'totalVectors/searchTimeMs')
    },
  },
  {
    id: '12.03',
    group: 'rag',
    title:
      'per-vector rejections: wrong dimension and oversized metadata give status partial with "<id>: <reason>"',
    spec: 'SURFACE §9.2 per-vector checks',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      const reply = await upload(ctx, probe, [
        docs[0],
        { id: 'short', vector: [1, 2, 3], metadata: null },
        { id: 'fat', vector: vector(1), metadata: { blob: 'x'.repeat(10_300) } },
      ])
      check(
        reply.status === 'partial' && reply.uploaded === 1 && reply.rejected === 2,
        `reply ${JSON.stringify(reply).slice(0, 300)}`,
      )
      const errors = reply.errors as string[]
      check(
        errors.includes('short: Invalid vector dimensions: expected 384, got 3'),
        `errors ${JSON.stringify(errors)}`,
      )
      check(
        errors.some((e) => e.startsWith('fat: Metadata too large:')),
        `errors ${JSON.stringify(errors)}`,
      )
    },
  },
  {
    id: '12.04',
    group: 'rag',
    title: 'when every vector is rejected the status is error',
    spec: 'SURFACE §9.2',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      const reply = await upload(ctx, probe, [{ id: 'x', vector: [1], metadata: null }])
      check(
        reply.status === 'error' && reply.uploaded === 0 && reply.rejected === 1,
        `reply ${JSON.stringify(reply)}`,
      )
    },
  },
  {
    id: '12.05',
    group: 'rag',
    title:
      'replace:true clears the store before processing; replace:false adds; an existing id is overwritten',
    spec: 'SURFACE §9.2',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      await upload(ctx, probe, docs)
      await upload(ctx, probe, [{ id: 'doc-a', vector: vector(7), metadata: null }], false, 'up-2')
      check(
        (await search(ctx, probe, {})).totalVectors === 3,
        'replace:false with an existing id changed the count',
      )
      await upload(ctx, probe, [{ id: 'only', vector: vector(9), metadata: null }], true, 'up-3')
      check((await search(ctx, probe, {})).totalVectors === 1, 'replace:true did not clear the store first')
    },
  },
  {
    id: '12.06',
    group: 'rag',
    title: 'metadataFilter $eq / $in select results, and the threshold is ignored when a filter is given',
    spec: 'SURFACE §9.3 filter semantics',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      await upload(ctx, probe, docs)
      const eq = (await search(ctx, probe, { metadataFilter: { topic: { $eq: 'db' } }, threshold: 0.99 }))
        .results as { id: string }[]
      check(
        eq.length === 1 && eq[0]!.id === 'doc-b',
        `$eq with a high threshold gave ${JSON.stringify(eq)} (threshold must be ignored)`,
      )
      const inn = (await search(ctx, probe, { metadataFilter: { topic: { $in: ['ml', 'db'] } } }))
        .results as { id: string }[]
      check(
        inn
          .map((r) => r.id)
          .sort()
          .join() === 'doc-a,doc-b',
        `$in gave ${JSON.stringify(inn)}`,
      )
      const all = (await search(ctx, probe, { metadataFilter: { topic: 'ml' } })).results as unknown[]
      check(all.length === 3, 'a non-object condition must match everything')
    },
  },
  {
    id: '12.07',
    group: 'rag',
    title: 'a threshold without a filter drops lower scores',
    spec: 'SURFACE §9.3',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      await upload(ctx, probe, docs)
      const results = (await search(ctx, probe, { threshold: 0.9 })).results as { id: string }[]
      check(
        results.length === 1 && results[0]!.id === 'doc-a',
        `threshold 0.9 gave ${JSON.stringify(results)}`,
      )
    },
  },
  {
    id: '12.08',
    group: 'rag',
    title: 'a query of the wrong dimension fails with a code-less error (even on an empty store)',
    spec: 'SURFACE §9.3, §9.4',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      await upload(ctx, probe, [])
      expectRagError(
        await search(ctx, probe, { queryVector: [1, 2, 3] }),
        'Search vectors failed: Invalid query dimensions: expected 384, got 3',
      )
    },
  },
  {
    id: '12.09',
    group: 'rag',
    title:
      'uploadVectors without replace fails with "Invalid uploadVectors request: missing field `replace`"',
    spec: 'SURFACE §9.4',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      expectRagError(
        await rag(probe, { type: 'uploadVectors', vectors: [] }, ctx.target.timeoutMs),
        'Invalid uploadVectors request: missing field `replace`',
      )
    },
  },
  {
    id: '12.10',
    group: 'rag',
    title: 'searchVectors without k fails with "Invalid searchVectors request"',
    spec: 'SURFACE §9.4',
    async run(ctx) {
      const { probe } = await ragSocket(ctx)
      expectRagError(
        await rag(probe, { type: 'searchVectors', queryVector: vector(0) }, ctx.target.timeoutMs),
        'Invalid searchVectors request: missing field `k`',
      )
    },
  },
  {
    id: '12.11',
    group: 'rag',
    title:
      'a search before any upload on the session says "… found but RAG not enabled. Upload vectors first."',
    spec: 'SURFACE §2.3, §9.4',
    async run(ctx) {
      const { probe, sessionId } = await ragSocket(ctx)
      expectRagError(
        await search(ctx, probe, {}),
        `Session ${sessionId} found but RAG not enabled. Upload vectors first.`,
      )
    },
  },
  {
    id: '12.12',
    group: 'rag',
    title: 'a plaintext session_init with the same id wipes the vectors',
    spec: 'SURFACE §9.5',
    async run(ctx) {
      const { probe, sessionId } = await ragSocket(ctx)
      await upload(ctx, probe, docs)
      probe.send({ type: 'session_init', id: 'again', session_id: sessionId, job_id: 1, chain_id: 84532 })
      await expectType(probe, 'session_init_ack', 'session_init_ack')
      expectRagError(await search(ctx, probe, {}), `Session ${sessionId} found but RAG not enabled.`)
    },
  },
  {
    id: '12.13',
    group: 'rag',
    title:
      'vectors survive a reconnect and an encrypted init of the same session (no clearing on disconnect)',
    spec: 'SURFACE §9.5',
    needs: ['encryption'],
    async run(ctx) {
      const first = await ctx.connect()
      const s = await initEncrypted(ctx, first)
      await upload(ctx, first, docs)
      first.close()
      const second = await ctx.connect()
      await initEncrypted(ctx, second, { sessionId: s.sessionId })
      const reply = await search(ctx, second, {})
      check(reply.totalVectors === 3, `after reconnect totalVectors is ${JSON.stringify(reply.totalVectors)}`)
    },
  },
]
