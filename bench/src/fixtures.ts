import { getPublicKey, hexToBytes, publicKeyToAddress, signDigest } from '@fabstir/crypto'
import { createNodeCore, type NodeConnection, type NodeCore, type Responder } from '@fabstir/node-sim'
import {
  createSession,
  type DigestSigner,
  type EncryptedSession,
  normalizePrompt,
  type ProtocolEvent,
} from '@fabstir/protocol'
import { stringifyJson } from '@fabstir/wire'

/** Fixed benchmark-only keys (never use them for anything else). */
export const USER_PRIVATE_KEY = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318')
export const NODE_PRIVATE_KEY = hexToBytes('6c7e1b3a9f0d2c4e8a5b7d9f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e90')

/** A local wallet: raw-digest secp256k1 signatures with `@fabstir/crypto` (what a hot wallet or viem account does). */
export function localSigner(privateKey: Uint8Array = USER_PRIVATE_KEY): DigestSigner {
  return {
    address: publicKeyToAddress(getPublicKey(privateKey)),
    signDigest: async (digest) => signDigest(privateKey, digest),
  }
}

/** Session options for the benchmark node. */
export function sessionOptions(core: NodeCore) {
  return {
    nodePublicKey: core.publicKey,
    signer: localSigner(),
    jobId: 12345,
    modelName: 'bench-model',
    pricePerToken: 2_272_727_273,
  }
}

/** A node core (sans-IO simulator) with no practical rate limit and an optional custom model. */
export function benchNode(responder?: Responder): NodeCore {
  return createNodeCore({
    privateKey: NODE_PRIVATE_KEY,
    rateLimitPerMinute: 1_000_000_000,
    contextWindowSize: 1_000_000_000,
    ...(responder ? { responder } : {}),
  })
}

/** One client session wired to one node-core connection in memory; frames from the node are queued. */
export interface Wired {
  core: NodeCore
  connection: NodeConnection
  session: EncryptedSession
  /** Frames the node sent and the benchmark has not consumed yet. */
  inbox: string[]
}

/** Let the node core's asynchronous work (signature checks, streaming) run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Wait until `done()` holds, yielding to the event loop in between; fails after `maxTicks` turns. */
export async function until(done: () => boolean, what: string, maxTicks = 100_000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    if (done()) return
    await tick()
  }
  throw new Error(`benchmark fixture: timed out waiting for ${what}`)
}

/** Feed every queued node frame to the session and return the events. */
export function drain(wired: Wired): ProtocolEvent[] {
  const events: ProtocolEvent[] = []
  while (wired.inbox.length > 0) events.push(...wired.session.receive(wired.inbox.shift()!))
  return events
}

/** A session that completed the encrypted init with the simulated node and is `ready`. */
export async function readySession(core: NodeCore): Promise<Wired> {
  const inbox: string[] = []
  const connection = core.openConnection((text) => inbox.push(text))
  const session = createSession(sessionOptions(core))
  const wired: Wired = { core, connection, session, inbox }
  drain(wired) // `connected`
  connection.receive(stringifyJson(await session.init()))
  await until(() => inbox.length > 0, 'session_init_ack')
  const events = drain(wired)
  if (session.state !== 'ready') {
    throw new Error(`benchmark fixture: session not ready (${events.map((e) => e.type).join(', ')})`)
  }
  return wired
}

/** A prompt whose sealed plaintext (`{"prompt":"…"}` as the protocol encodes it) is exactly `bytes` long. */
export function promptOfPlaintextSize(bytes: number): { prompt: string; plaintext: Uint8Array } {
  const overhead = stringifyJson(normalizePrompt('')).length
  const prompt = 'x'.repeat(bytes - overhead)
  const plaintext = new TextEncoder().encode(stringifyJson(normalizePrompt(prompt)))
  if (plaintext.length !== bytes) throw new Error('benchmark fixture: prompt size mismatch')
  return { prompt, plaintext }
}

/** A model that streams `count` chunks of `size` ASCII characters each. */
export function fixedChunks(count: number, size: number): Responder {
  const text = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36)).slice(0, size)
  return async function* fixed() {
    for (let i = 0; i < count; i++) yield text
  }
}

/**
 * Prompt on a ready session and record the first `count` `encrypted_chunk` frames of the answer, which the
 * simulated node seals with the session key (AAD `chunk_<i>`); the model must stream at least `count` chunks.
 * The frames after them (final chunk, `encrypted_response`, `stream_end`) are returned separately. The session is
 * left `streaming`, expecting chunk 0.
 */
export async function recordChunkFrames(
  wired: Wired,
  count: number,
): Promise<{ chunks: string[]; tail: string[] }> {
  const frame = wired.session.prompt({ prompt: 'stream please', max_tokens: count })
  wired.connection.receive(stringifyJson(frame))
  await until(() => wired.inbox.some((t) => t.includes('"stream_end"')), 'the recorded stream')
  const frames = wired.inbox.splice(0)
  const chunks = frames.slice(0, count)
  if (!chunks.every((t) => t.includes('"encrypted_chunk"') && !t.includes('"final":true'))) {
    throw new Error(`benchmark fixture: the node did not stream ${count} text chunks`)
  }
  return { chunks, tail: frames.slice(count) }
}
