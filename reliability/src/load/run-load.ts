import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { answerChunks, expectedAnswer } from '@fabstir/node-sim'
import { type ClientSession, createClient, isFabstirError, type Timeouts } from '@fabstir/transport-ws'
import { SESSION_OPTIONS, testSigner } from '../common/identities.js'
import { mib, percentile, RssSampler, round } from '../common/stats.js'
import type { SimEndpoint } from './sim-endpoint.js'

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Concurrent encrypted sessions (one WebSocket each). */
  sessions: number
  /** Prompts per session, sent one after another (one in flight per connection). */
  prompts: number
  /** Sessions opened at once while connecting (keeps the handshake burst and the accept queue bounded). */
  openBatch: number
  /** The simulator to load; its rate limit must allow `sessions × prompts` prompts per minute. */
  sim: SimEndpoint
  /** Client deadlines; `undefined` keeps the SDK's defaults (10 s connect, 15 s ack, …). */
  timeouts?: Timeouts
}

/** Generous deadlines for runs whose question is correctness under load, not latency. */
export const GENEROUS_TIMEOUTS: Timeouts = {
  connectMs: 30_000,
  ackMs: 60_000,
  firstChunkMs: 120_000,
  idleMs: 60_000,
}

/** What a load run measured. */
export interface LoadReport {
  sessions: number
  promptsPerSession: number
  prompts: number
  /** Prompts whose reply text was exactly `expectedAnswer(prompt)`. */
  correct: number
  /** Typed prompt failures by code (expected: none). */
  failures: Record<string, number>
  /** Sessions that failed to open, by error code (expected: none); their prompts are not sent. */
  openFailures: Record<string, number>
  chunks: { expected: number; delivered: number; lost: number; duplicated: number; misrouted: number }
  /** Nonces seen on the wire (both directions) and how many repeated an earlier one. */
  nonces: { seen: number; repeated: number }
  /** Connections the node still had open after every client closed. */
  openConnectionsAfter: number
  wallMs: number
  openMs: number
  promptPhaseMs: number
  latencyMs: { p50: number; p99: number; max: number }
  peakRssMiB: number
  promptsPerSecond: number
  /** Longest event-loop stall of this process during the run (a timer's worst lateness, 10 ms resolution). */
  loopStallMaxMs: number
  /** 99th percentile of the event-loop delay samples. */
  loopDelayP99Ms: number
  /** Longest stall while the sessions were opening, and while they were prompting. */
  loopStallMaxMsByPhase: { open: number; prompts: number }
  /** Longest garbage-collection pause during the run, and the total time in GC pauses. */
  gc: { maxPauseMs: number; totalPauseMs: number }
}

/** The prompt of session `s`, number `p`: distinct per session and per prompt, so misrouting shows. */
export function loadPrompt(s: number, p: number): string {
  return `load session ${s} prompt ${p}: tell me about stream ${s * 1000 + p}`
}

interface Tally {
  correct: number
  failures: Record<string, number>
  openFailures: Record<string, number>
  expected: number
  delivered: number
  lost: number
  duplicated: number
  misrouted: number
  latencies: number[]
}

async function runPrompts(session: ClientSession, s: number, prompts: number, t: Tally): Promise<void> {
  for (let p = 0; p < prompts; p++) {
    const prompt = loadPrompt(s, p)
    const truth = answerChunks(prompt)
    t.expected += truth.length
    const seen = new Set<number>()
    const started = performance.now()
    try {
      const stream = session.stream(prompt)
      for await (const delta of stream) {
        t.delivered++
        if (seen.has(delta.index)) t.duplicated++
        seen.add(delta.index)
        if (truth[delta.index] !== delta.text) t.misrouted++
      }
      const reply = await stream.result
      t.latencies.push(performance.now() - started)
      if (reply.text === expectedAnswer(prompt)) t.correct++
    } catch (e) {
      const code = isFabstirError(e) ? e.code : 'UNTYPED'
      t.failures[code] = (t.failures[code] ?? 0) + 1
    }
    for (let i = 0; i < truth.length; i++) if (!seen.has(i)) t.lost++
  }
}

/**
 * Open `sessions` encrypted sessions against one simulator (in batches of `openBatch`), then let every session send
 * `prompts` prompts concurrently, checking every delta against the authentic answer of its own prompt. Reports lost,
 * duplicated and misrouted chunks, per-prompt latency percentiles, wall time and peak RSS of the process.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { signer } = testSigner('load-client')
  const client = createClient({
    url: options.sim.url,
    nodePublicKey: options.sim.publicKey,
    signer,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    reconnect: false,
  })
  const rss = new RssSampler()
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const openLoop = monitorEventLoopDelay({ resolution: 10 })
  openLoop.enable()
  const gc = { maxPauseMs: 0, totalPauseMs: 0 }
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.maxPauseMs = Math.max(gc.maxPauseMs, entry.duration)
      gc.totalPauseMs += entry.duration
    }
  })
  gcObserver.observe({ entryTypes: ['gc'] })
  const started = performance.now()
  const sessions: ClientSession[] = []
  const t: Tally = {
    correct: 0,
    failures: {},
    openFailures: {},
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    misrouted: 0,
    latencies: [],
  }
  try {
    for (let i = 0; i < options.sessions; i += options.openBatch) {
      const batch = Array.from({ length: Math.min(options.openBatch, options.sessions - i) }, (_, k) =>
        client.startSession({ ...SESSION_OPTIONS, jobId: String(100_000 + i + k) }),
      )
      for (const r of await Promise.allSettled(batch)) {
        if (r.status === 'fulfilled') sessions.push(r.value)
        else {
          const code = isFabstirError(r.reason) ? r.reason.code : 'UNTYPED'
          t.openFailures[code] = (t.openFailures[code] ?? 0) + 1
        }
      }
    }
    const opened = performance.now()
    openLoop.disable()
    const promptLoop = monitorEventLoopDelay({ resolution: 10 })
    promptLoop.enable()
    await Promise.all(sessions.map((s, i) => runPrompts(s, i, options.prompts, t)))
    const finished = performance.now()
    loop.disable()
    promptLoop.disable()
    gcObserver.disconnect()
    await client.close()
    const sim = await waitForClosed(options.sim)
    const wallMs = performance.now() - started
    const prompts = options.sessions * options.prompts
    return {
      sessions: options.sessions,
      promptsPerSession: options.prompts,
      prompts,
      correct: t.correct,
      failures: t.failures,
      openFailures: t.openFailures,
      chunks: {
        expected: t.expected,
        delivered: t.delivered,
        lost: t.lost,
        duplicated: t.duplicated,
        misrouted: t.misrouted,
      },
      nonces: { seen: sim.noncesSeen, repeated: sim.nonceRepeats },
      openConnectionsAfter: sim.openConnections,
      wallMs: Math.round(wallMs),
      openMs: Math.round(opened - started),
      promptPhaseMs: Math.round(finished - opened),
      latencyMs: {
        p50: round(percentile(t.latencies, 50)),
        p99: round(percentile(t.latencies, 99)),
        max: round(t.latencies.reduce((a, b) => Math.max(a, b), 0)),
      },
      peakRssMiB: mib(rss.stop()),
      promptsPerSecond: round(prompts / ((finished - opened) / 1000)),
      loopStallMaxMs: round(loop.max / 1e6),
      loopDelayP99Ms: round(loop.percentile(99) / 1e6),
      loopStallMaxMsByPhase: { open: round(openLoop.max / 1e6), prompts: round(promptLoop.max / 1e6) },
      gc: { maxPauseMs: round(gc.maxPauseMs), totalPauseMs: Math.round(gc.totalPauseMs) },
    }
  } finally {
    loop.disable()
    openLoop.disable()
    gcObserver.disconnect()
    rss.stop()
    await client.close()
  }
}

/** Wait (bounded) until the simulator has seen every connection close, and return its final counters. */
async function waitForClosed(sim: SimEndpoint): Promise<Awaited<ReturnType<SimEndpoint['stats']>>> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const stats = await sim.stats()
    if (stats.openConnections === 0 || Date.now() > deadline) return stats
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
