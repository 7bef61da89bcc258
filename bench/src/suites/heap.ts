import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  benchNode,
  fixedChunks,
  promptOfPlaintextSize,
  readySession,
  recordChunkFrames,
} from '../fixtures.js'
import { keep, type Profile } from '../measure.js'
import type { SuiteResult, TargetCheck } from '../report-types.js'
import { settle } from './seal-prompt.js'

/** Bytes per message of retained heap growth that still counts as "no growth" (GC noise is far below one object). */
const MAX_BYTES_PER_MESSAGE = 8

function fullGc(): () => void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  return () => {
    gc()
    gc()
  }
}

/** Live JS heap plus ArrayBuffer backing stores (typed arrays live outside `heapUsed`). */
function heapUsed(gc: () => void): number {
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Heap growth over many messages on one session: live heap after a full GC, before and after N prompts
 * (`session.prompt` + JSON, each answer cancelled) and N chunk frames received. The inputs (recorded frames) stay
 * referenced during both measurements, so only what the SDK retains per message shows up.
 */
export async function heapSuite(profile: Profile): Promise<SuiteResult> {
  const gc = fullGc()
  const n = profile.heapMessages
  const { prompt } = promptOfPlaintextSize(100)

  const prompting = await readySession(benchNode())
  for (let i = 0; i < 1000; i++) {
    keep(JSON.stringify(prompting.session.prompt(prompt)).length)
    settle(prompting)
  }
  const promptBefore = heapUsed(gc)
  for (let i = 0; i < n; i++) {
    keep(JSON.stringify(prompting.session.prompt(prompt)).length)
    settle(prompting)
  }
  const promptAfter = heapUsed(gc)
  prompting.session.close()

  const receiving = await readySession(benchNode(fixedChunks(n, 64)))
  const { chunks } = await recordChunkFrames(receiving, n)
  const receiveBefore = heapUsed(gc)
  for (const frame of chunks) keep(receiving.session.receive(frame).length)
  const receiveAfter = heapUsed(gc)
  if (receiving.session.state !== 'streaming') throw new Error('benchmark: the receiving session failed')
  receiving.session.close()

  const perMessage = (before: number, after: number) => (after - before) / n
  const promptGrowth = perMessage(promptBefore, promptAfter)
  const receiveGrowth = perMessage(receiveBefore, receiveAfter)
  const check = (id: string, what: string, growth: number, before: number, after: number): TargetCheck => ({
    id,
    target: `no per-message heap growth over ${n.toLocaleString('en-US')} ${what}`,
    measured: `${((after - before) / 1024).toFixed(1)} KiB (${growth.toFixed(2)} B/message)`,
    pass: growth < MAX_BYTES_PER_MESSAGE,
  })
  return {
    figures: [],
    targets: [
      check('heap-a', 'prompts', promptGrowth, promptBefore, promptAfter),
      check('heap-b', 'chunk frames', receiveGrowth, receiveBefore, receiveAfter),
    ],
    notes: {
      heap: {
        messages: n,
        promptHeapBeforeBytes: promptBefore,
        promptHeapAfterBytes: promptAfter,
        receiveHeapBeforeBytes: receiveBefore,
        receiveHeapAfterBytes: receiveAfter,
      },
    },
  }
}
