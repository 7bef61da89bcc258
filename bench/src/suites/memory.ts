import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type CryptoBackend, getCryptoBackend } from '@fabstir/crypto'
import { DEFAULT_REKEY_AFTER_FRAMES } from '@fabstir/transport-ws'
import { benchNode, fixedChunks, readySession, recordChunkFrames } from '../fixtures.js'
import type { Profile } from '../measure.js'
import type { SuiteResult, TargetCheck } from '../report-types.js'

/** Goal: the replay detector's memory per session, worst case, ≤ 64 KiB. */
const TARGET_REPLAY_BYTES = 64 * 1024
/** Sessions measured together for the replay detector. */
const SESSIONS = 8

function fullGc(): () => void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  return () => {
    gc()
    gc()
  }
}

/** Live heap and ArrayBuffer backing stores after a full GC (the replay detector's table is a typed array). */
function retained(gc: () => void): { heap: number; buffers: number } {
  gc()
  const m = process.memoryUsage()
  return { heap: m.heapUsed, buffers: m.arrayBuffers }
}

/** Run the allocation probe in a child process with a young generation that needs no collection during the run. */
interface Allocation {
  bytesPerFrame: number
  gcDuringRun: number
  steps: Record<string, number>
}

function allocationPerFrame(frames: number): Allocation {
  const probe = join(dirname(fileURLToPath(import.meta.url)), '..', 'alloc-probe.ts')
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      '--max-semi-space-size=256',
      '--min-semi-space-size=256',
      probe,
      String(frames),
      getCryptoBackend().name,
    ],
    { encoding: 'utf8' },
  )
  if (r.status !== 0)
    throw new Error(`allocation probe failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Allocation
}

/**
 * (6) Memory. (a) The replay detector's worst case per session: what one session retains after receiving as many
 * chunk frames under one key as `@fabstir/transport-ws` allows before it re-keys (`DEFAULT_REKEY_AFTER_FRAMES`):
 * growth of ArrayBuffer memory (the detector's table) after a full GC, with the whole session's growth (heap too)
 * beside it. The code the first frames compile is warmed up on another session first. (b) Bytes the receive path allocates per 64-byte chunk frame
 * (garbage included), in a child process whose young generation is large enough that no GC runs during the count.
 */
export async function memorySuite(profile: Profile, active: CryptoBackend): Promise<SuiteResult> {
  const gc = fullGc()
  const n = DEFAULT_REKEY_AFTER_FRAMES
  const core = benchNode(fixedChunks(n + 1, 64))
  // Warm up on another session first: the first frames compile code and type feedback that stay on the heap.
  const warm = await readySession(core)
  for (const frame of (await recordChunkFrames(warm, n)).chunks) warm.session.receive(frame)
  warm.session.close()
  // Several sessions at once, so that unrelated allocations are a small share of the difference.
  const empty = retained(gc)
  const sessions = []
  for (let i = 0; i < SESSIONS; i++) {
    const wired = await readySession(core)
    sessions.push({ wired, chunks: (await recordChunkFrames(wired, n)).chunks })
  }
  const before = retained(gc)
  for (const { wired, chunks } of sessions) for (const frame of chunks) wired.session.receive(frame)
  const after = retained(gc)
  for (const { wired } of sessions) {
    const entries = wired.session.replayCacheSize
    if (wired.session.state !== 'streaming' || entries !== n) {
      throw new Error(`benchmark: replay detector holds ${entries} entries after ${n} frames`)
    }
    wired.session.close()
  }
  // The detector's memory is its typed-array table; the rest of the session's growth is reported beside it.
  // ArrayBuffer growth from before the sessions existed: the detector's table from its first allocation on.
  const replayBytes = (after.buffers - empty.buffers) / SESSIONS
  const sessionBytes = replayBytes + (after.heap - before.heap) / SESSIONS

  const frames = profile.name === 'quick' ? 2_000 : 10_000
  const alloc = allocationPerFrame(frames)
  const targets: TargetCheck[] = [
    {
      id: 'replay-mem',
      target: `replay-detector memory per session, worst case (${n.toLocaleString('en-US')} frames before re-key) ≤ ${TARGET_REPLAY_BYTES / 1024} KiB`,
      measured: `${replayBytes.toLocaleString('en-US')} B = ${(replayBytes / 1024).toFixed(2)} KiB table (${(replayBytes / n).toFixed(1)} B/frame); whole session +${(sessionBytes / 1024).toFixed(1)} KiB`,
      pass: replayBytes <= TARGET_REPLAY_BYTES,
    },
    {
      id: 'alloc',
      target: `bytes allocated per received 64 B chunk frame [${active.name}] (reported, no goal)`,
      measured:
        alloc.gcDuringRun === 0
          ? `${Math.round(alloc.bytesPerFrame).toLocaleString('en-US')} B/frame`
          : `not measurable: ${alloc.gcDuringRun} GC(s) ran during the count`,
      pass: alloc.gcDuringRun === 0 ? 'info' : null,
    },
  ]
  return {
    figures: [],
    targets,
    notes: {
      memory: {
        replayFrames: n,
        replayTableBytes: replayBytes,
        sessionRetainedBytes: sessionBytes,
        allocationFrames: frames,
        allocatedBytesPerChunkFrame: Math.round(alloc.bytesPerFrame),
        gcDuringAllocationCount: alloc.gcDuringRun,
        allocatedBytesPerCallByStep: alloc.steps,
      },
    },
  }
}
