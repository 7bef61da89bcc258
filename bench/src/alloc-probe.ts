/**
 * Child process of the `memory` suite: how many bytes the receive path allocates per 64-byte `encrypted_chunk` frame.
 * Started with a young generation large enough that no garbage collection runs while the frames are received, so
 * the growth of the heap (plus ArrayBuffer backing stores) over N frames is exactly what they allocated. Prints one
 * JSON line: `{ frames, bytesPerFrame, gcDuringRun, steps }` (`steps`: bytes per call of each step of the path).
 */
import { PerformanceObserver } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  bytesToUtf8,
  type CryptoBackendName,
  getCryptoBackend,
  hexToBytes,
  open,
  setCryptoBackend,
} from '@fabstir/crypto'
import { checkNodeFrame, parseJson } from '@fabstir/wire'
import { benchNode, fixedChunks, readySession, recordChunkFrames } from './fixtures.js'

const FRAMES = Number(process.argv[2] ?? 5000)
if (process.argv[3]) setCryptoBackend(process.argv[3] as CryptoBackendName)

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function used(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const wired = await readySession(benchNode(fixedChunks(2 * FRAMES + 2, 64)))
const { chunks } = await recordChunkFrames(wired, 2 * FRAMES)
// Warm up on the first half (JIT, inline caches, table growth of the replay detector up to the same size class).
for (let i = 0; i < FRAMES; i++) wired.session.receive(chunks[i]!)
let collections = 0
const observer = new PerformanceObserver((list) => {
  collections += list.getEntries().length
})
gc()
gc()
observer.observe({ entryTypes: ['gc'] })
await new Promise((resolve) => setImmediate(resolve))
collections = 0
const before = used()
let events = 0
for (let i = FRAMES; i < 2 * FRAMES; i++) events += wired.session.receive(chunks[i]!).length
const after = used()
await new Promise((resolve) => setTimeout(resolve, 20))
observer.disconnect()
if (events !== FRAMES || wired.session.state !== 'streaming') {
  throw new Error('alloc probe: the session failed')
}

// The same frame's steps one by one (a key of our own seals an identically sized payload for the open step).
const frame = parseJson(chunks[0]!) as { payload: { nonceHex: string; ciphertextHex: string } }
const key = new Uint8Array(32).fill(7)
const nonce = hexToBytes(frame.payload.nonceHex)
const sealed = getCryptoBackend().xchachaSeal(
  key,
  nonce,
  new Uint8Array(64),
  new TextEncoder().encode('chunk_0'),
)
const plaintext = open(key, nonce, sealed, 'chunk_0')
const sink: unknown[] = []
function perCall(run: () => unknown): number {
  for (let i = 0; i < 1000; i++) sink[i & 15] = run()
  gc()
  const start = used()
  for (let i = 0; i < FRAMES; i++) sink[i & 15] = run()
  return Math.round((used() - start) / FRAMES)
}
const steps = {
  'parseJson (wire)': perCall(() => parseJson(chunks[0]!)),
  'checkNodeFrame (wire)': perCall(() => checkNodeFrame(frame)),
  'hexToBytes × 2 (crypto)': perCall(() => [
    hexToBytes(frame.payload.nonceHex),
    hexToBytes(frame.payload.ciphertextHex),
  ]),
  [`open 64 B (crypto, ${getCryptoBackend().name} backend)`]: perCall(() =>
    open(key, nonce, sealed, 'chunk_0'),
  ),
  'bytesToUtf8 (crypto)': perCall(() => bytesToUtf8(plaintext)),
}
process.stdout.write(
  `${JSON.stringify({ frames: FRAMES, bytesPerFrame: (after - before) / FRAMES, gcDuringRun: collections, steps })}\n`,
)
