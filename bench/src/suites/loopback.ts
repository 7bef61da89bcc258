import { getCryptoBackend } from '@fabstir/crypto'
import { startNodeSim } from '@fabstir/node-sim'
import { type ClientSession, createClient } from '@fabstir/transport-ws'
import { plaintextProtocol } from '@fabstir/transport-ws/plaintext'
import { fixedChunks, localSigner, NODE_PRIVATE_KEY } from '../fixtures.js'
import { median, type Profile } from '../measure.js'
import type { Figure, SuiteResult } from '../report-types.js'

const CHUNKS = 32
const CHUNK_BYTES = 64
/** Goals: encrypted whole answer ≤ 1.3× plaintext; encrypted session open ≤ 2.0× plaintext (loopback). */
const TARGET_ANSWER = 1.3
const TARGET_OPEN = 2.0

interface PromptTiming {
  firstChunkMs: number
  totalMs: number
}

/** One prompt on an open session: time to the first delta and to the end of the answer. */
async function timedPrompt(session: ClientSession): Promise<PromptTiming> {
  const start = performance.now()
  let first = 0
  let count = 0
  for await (const _delta of session.stream({ prompt: 'benchmark', max_tokens: CHUNKS })) {
    if (count === 0) first = performance.now() - start
    count++
  }
  const total = performance.now() - start
  if (count < CHUNKS) throw new Error(`loopback: expected at least ${CHUNKS} deltas, got ${count}`)
  return { firstChunkMs: first, totalMs: total }
}

interface ModeResult {
  openMs: number
  firstChunkMs: number
  answerMs: number
  concurrent: Map<number, number>
}

/**
 * (5) End to end over loopback: `@fabstir/transport-ws` client ↔ `startNodeSim` (real WebSockets on 127.0.0.1, both
 * in this process, so node-side CPU counts too). Session open (connect + init + ack), time to first chunk, time for
 * a whole answer (per-chunk overhead = difference / chunks), and the wall time of N concurrent sessions each
 * streaming answers. Baseline: the same over the node's deprecated plaintext
 * protocol, so the ratio is what end-to-end encryption costs on top of everything else.
 */
export async function loopbackSuite(profile: Profile): Promise<SuiteResult> {
  const backend = getCryptoBackend().name
  const sim = await startNodeSim({
    privateKey: NODE_PRIVATE_KEY,
    rateLimitPerMinute: 1_000_000_000,
    contextWindowSize: 1_000_000_000,
    responder: fixedChunks(CHUNKS, CHUNK_BYTES),
  })
  const prompts = profile.name === 'quick' ? 20 : 100
  const concurrency = profile.name === 'quick' ? [1, 8] : [1, 8, 32]
  const concurrentPrompts = profile.name === 'quick' ? 3 : 10
  const clientFor = (encrypted: boolean) =>
    encrypted
      ? createClient({ url: sim.url, nodePublicKey: sim.publicKey, signer: localSigner(), reconnect: false })
      : createClient({ url: sim.url, encryption: false, plaintext: plaintextProtocol, reconnect: false })
  const sessionOptions = { jobId: 1, modelName: 'bench-model', pricePerToken: 2_272_727_273 }

  async function runMode(encrypted: boolean): Promise<ModeResult> {
    const client = clientFor(encrypted)
    const opens: number[] = []
    for (let i = 0; i < Math.max(10, prompts / 10); i++) {
      const start = performance.now()
      const s = await client.startSession(sessionOptions)
      opens.push(performance.now() - start)
      await s.close()
    }
    const session = await client.startSession(sessionOptions)
    if (session.encrypted !== encrypted) throw new Error('loopback: unexpected session mode')
    for (let i = 0; i < 5; i++) await timedPrompt(session)
    const timings: PromptTiming[] = []
    for (let i = 0; i < prompts; i++) timings.push(await timedPrompt(session))
    await session.close()

    const concurrent = new Map<number, number>()
    for (const n of concurrency) {
      const sessions = await Promise.all(Array.from({ length: n }, () => client.startSession(sessionOptions)))
      await Promise.all(sessions.map((s) => timedPrompt(s)))
      const start = performance.now()
      await Promise.all(
        sessions.map(async (s) => {
          for (let i = 0; i < concurrentPrompts; i++) await timedPrompt(s)
        }),
      )
      concurrent.set(n, performance.now() - start)
      await Promise.all(sessions.map((s) => s.close()))
    }
    await client.close()
    return {
      openMs: median(opens),
      firstChunkMs: median(timings.map((t) => t.firstChunkMs)),
      answerMs: median(timings.map((t) => t.totalMs)),
      concurrent,
    }
  }

  try {
    // Alternate the modes twice so that neither always runs on a warmer process.
    const plainA = await runMode(false)
    const encA = await runMode(true)
    const encB = await runMode(true)
    const plainB = await runMode(false)
    const pick = (a: ModeResult, b: ModeResult, f: (m: ModeResult) => number) => (f(a) + f(b)) / 2
    const figure = (ours: string, f: (m: ModeResult) => number, note?: string): Figure => {
      const enc = pick(encA, encB, f)
      const plain = pick(plainA, plainB, f)
      return {
        suite: '5 loopback e2e',
        ours: `encrypted: ${ours} [${backend}]`,
        baseline: `plaintext protocol: ${ours} [no crypto]`,
        oursMs: enc,
        baselineMs: plain,
        ratio: enc / plain,
        ...(note ? { note } : {}),
      }
    }
    const figures: Figure[] = [
      figure('session open (connect+init+ack)', (m) => m.openMs),
      figure('time to first chunk', (m) => m.firstChunkMs),
    ]
    const encAnswer = pick(encA, encB, (m) => m.answerMs)
    const plainAnswer = pick(plainA, plainB, (m) => m.answerMs)
    figures.push(
      figure(
        `whole answer, ${CHUNKS} × ${CHUNK_BYTES} B chunks`,
        (m) => m.answerMs,
        `encryption adds ${(((encAnswer - plainAnswer) / CHUNKS) * 1000).toFixed(1)} µs per chunk (node + client)`,
      ),
    )
    for (const n of concurrency) {
      const chunks = n * concurrentPrompts * CHUNKS
      const encMs = pick(encA, encB, (m) => m.concurrent.get(n)!)
      figures.push(
        figure(
          `${n} concurrent session${n > 1 ? 's' : ''}, ${concurrentPrompts} answers each (wall time)`,
          (m) => m.concurrent.get(n)!,
          `${Math.round(chunks / (encMs / 1000)).toLocaleString('en-US')} encrypted chunks/s`,
        ),
      )
    }
    const openRatio = figures[0]!.ratio
    const answerRatio = encAnswer / plainAnswer
    return {
      figures,
      targets: [
        {
          id: 'e2e-answer',
          target: `encrypted whole answer ≤ ${TARGET_ANSWER.toFixed(1)}× plaintext protocol, loopback, ${CHUNKS} × ${CHUNK_BYTES} B [${backend}]`,
          measured: `${answerRatio.toFixed(2)}×`,
          pass: answerRatio <= TARGET_ANSWER,
        },
        {
          id: 'e2e-open',
          target: `encrypted session open ≤ ${TARGET_OPEN.toFixed(1)}× plaintext open, loopback [${backend}]`,
          measured: `${openRatio.toFixed(2)}×`,
          pass: openRatio <= TARGET_OPEN,
        },
      ],
      notes: {},
    }
  } finally {
    await sim.close()
  }
}
