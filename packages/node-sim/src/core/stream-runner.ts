import { bytesToHex, seal, utf8ToBytes } from '@fabstir/crypto'
import { NodeSimError } from '../errors.js'
import { type ActiveStream, STOPPED } from './active-stream.js'
import {
  errorFrame,
  errorStreamEndFrame,
  type OutFrame,
  plainErrorFrame,
  streamEndFrame,
  type Usage,
} from './frames.js'
import { ResponderStartError } from './responder-start-error.js'
import type { Faults, Logger, Responder, ResponderRequest, ResponderResult } from './types.js'

/** Everything one response needs. */
export interface StreamJob {
  stream: ActiveStream
  /** Session key for encrypted streams; `null` for the plaintext fallback (`stream_chunk` frames). */
  key: Uint8Array | null
  request: ResponderRequest
  maxTokens: number
  promptTokens: number
  contextWindowSize: number
  responder: Responder
  chunkDelayMs: number
  /** Faults snapshot taken when the response started (ignored for plaintext streams). */
  faults: Readonly<Faults>
  send: (frame: OutFrame) => void
  closeTransport: () => void
  sleep: (ms: number) => Promise<void>
  logger: Logger | undefined
  /** VLM tokens spent on this request's images (reported on a complete `stream_end` when > 0). */
  vlmTokens?: number
}

type Finish = 'stop' | 'length' | 'error'
type Emit = 'sent' | 'halt'

const FINAL_AAD = 'encrypted_response_final'

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message
  return typeof e === 'string' ? e : 'unknown error'
}

function abandon(iterator: AsyncIterator<string> | undefined): void {
  try {
    Promise.resolve(iterator?.return?.()).catch(() => {})
  } catch {
    // A responder whose return() throws synchronously has nothing left to clean up.
  }
}

/** Emits chunk frames for one response, applying the fault plan on encrypted streams. */
class ChunkEmitter {
  private index = 0
  private held: { index: number; frame: OutFrame }[] = []

  constructor(private readonly job: StreamJob) {}

  /** Seal (or wrap) and send the next chunk. `halt` means the response must end now (fault or failure). */
  emit(text: string, tokens: number, final: boolean): Emit {
    const { job } = this
    const i = this.index++
    if (job.key === null) {
      job.send({ type: 'stream_chunk', content: text, tokens, id: job.stream.requestId })
      return 'sent'
    }
    const f = job.faults
    const s = job.stream
    if (f.encryptionFailureAtChunk === i) {
      job.logger?.warn('injected encryption failure', { index: i })
      job.send(
        errorFrame('ENCRYPTION_FAILED', 'Failed to encrypt response: injected encryption failure', {
          id: s.requestId,
        }),
      )
      job.send(errorStreamEndFrame(s.requestId, s.tokensUsed))
      return 'halt'
    }
    const aadText = f.wrongAadChunk === i ? `chunk_${i + 1}` : `chunk_${i}`
    const aad = utf8ToBytes(aadText)
    const sealed = seal(job.key, text, aad)
    if (f.tamperChunk === i) sealed.ciphertext[0] = sealed.ciphertext[0]! ^ 0x01
    const frame: OutFrame = {
      type: 'encrypted_chunk',
      id: s.requestId,
      session_id: s.sessionId ?? undefined,
      tokens,
      payload: {
        ciphertextHex: bytesToHex(sealed.ciphertext),
        nonceHex: bytesToHex(sealed.nonce),
        aadHex: bytesToHex(aad),
        index: i,
      },
      final: final ? true : undefined,
    }
    this.deliver(i, frame)
    if (f.closeMidStream === i) {
      job.logger?.warn('injected close mid-stream', { index: i })
      job.closeTransport()
      return 'halt'
    }
    if (f.forgeStreamEnd === true && i === 0) {
      job.send(
        streamEndFrame({
          reason: 'complete',
          tokensUsed: s.tokensUsed + tokens,
          id: s.requestId,
          sessionId: s.sessionId,
          finishReason: 'stop',
        }),
      )
      return 'halt'
    }
    return 'sent'
  }

  /** Send chunks still held back by `reorderChunks` (the second index never came), in their original order. */
  flush(): void {
    for (const h of this.held) this.sendWithReplay(h.index, h.frame)
    this.held = []
  }

  private deliver(i: number, frame: OutFrame): void {
    const f = this.job.faults
    if (f.dropChunk === i) return
    const pair = f.reorderChunks
    if (pair) {
      const lo = Math.min(pair[0], pair[1])
      const hi = Math.max(pair[0], pair[1])
      // Swap the positions of lo and hi: hold lo and everything after it until hi exists, then send hi, the
      // chunks in between, and lo last.
      if (i >= lo && i < hi) {
        this.held.push({ index: i, frame })
        return
      }
      if (i === hi) {
        this.sendWithReplay(i, frame)
        const [first, ...between] = this.held
        for (const h of between) this.sendWithReplay(h.index, h.frame)
        if (first) this.sendWithReplay(first.index, first.frame)
        this.held = []
        return
      }
    }
    this.sendWithReplay(i, frame)
  }

  private sendWithReplay(i: number, frame: OutFrame): void {
    this.job.send(frame)
    if (this.job.faults.replayChunk === i) this.job.send(frame)
  }
}

function usageOf(job: StreamJob, completion: number, reported: ResponderResult['usage']): Usage {
  const prompt = reported?.prompt_tokens ?? job.promptTokens
  const done = reported?.completion_tokens ?? completion
  return {
    prompt_tokens: prompt,
    completion_tokens: done,
    total_tokens: prompt + done,
    context_window_size: job.contextWindowSize,
  }
}

function isResult(value: unknown): value is ResponderResult {
  return typeof value === 'object' && value !== null
}

/**
 * Stream one response: `encrypted_chunk` (or plaintext `stream_chunk`) per yielded string, a final empty chunk
 * (`final: true`, `tokens: 0`; `Error: …` when the responder throws), then `encrypted_response` (`stop`/`error`,
 * encrypted streams only) and a plaintext `stream_end`. Stops silently as soon as the stream is stopped.
 */
export async function runStream(job: StreamJob): Promise<void> {
  const { stream } = job
  const encrypted = job.key !== null
  const emitter = new ChunkEmitter(job)
  const wait = async (ms: number): Promise<boolean> => (await stream.race(job.sleep(ms))) !== STOPPED

  if (encrypted && job.faults.delayMs !== undefined && job.faults.delayMs > 0) {
    if (!(await wait(job.faults.delayMs))) return
  }

  let finish: Finish = 'stop'
  let failure: string | undefined
  let result: ResponderResult | undefined
  let iterator: AsyncIterator<string, unknown> | undefined
  let exhausted = false
  const abandoned = new AbortController()
  try {
    iterator = job.responder(job.request, { signal: abandoned.signal })[Symbol.asyncIterator]()
    for (;;) {
      if (stream.tokensUsed >= job.maxTokens) {
        finish = 'length'
        break
      }
      const next = await stream.race(iterator.next())
      if (next === STOPPED) return
      if (next.done) {
        exhausted = true
        if (isResult(next.value)) result = next.value
        if (result?.finishReason === 'length') finish = 'length'
        break
      }
      if (typeof next.value !== 'string')
        throw new NodeSimError('INVALID_INPUT', 'responder yielded a non-string chunk')
      if (job.chunkDelayMs > 0 && !(await wait(job.chunkDelayMs))) return
      if (emitter.emit(next.value, 1, false) === 'halt') return
      stream.tokensUsed++
    }
  } catch (e) {
    exhausted = true
    if (stream.isStopped) return
    if (e instanceof ResponderStartError && stream.tokensUsed === 0) {
      // Like the node when its engine cannot start streaming (PROTOCOL-SURFACE §2.3): no chunk at all.
      job.logger?.warn('responder could not start', { error: errorText(e) })
      job.send(
        plainErrorFrame(`Internal error: Streaming inference failed: ${errorText(e)}`, stream.requestId),
      )
      job.send(errorStreamEndFrame(stream.requestId))
      return
    }
    finish = 'error'
    failure = `Error: ${errorText(e)}`
    job.logger?.warn('responder failed', { error: errorText(e) })
  } finally {
    // Let the responder clean up when it is abandoned early (max_tokens reached, cancel, close, injected halt).
    if (!exhausted) {
      abandoned.abort()
      abandon(iterator)
    }
  }
  if (stream.isStopped) return

  if (emitter.emit(failure ?? '', 0, true) === 'halt') return
  emitter.flush()
  if (encrypted) {
    const sealed = seal(job.key!, finish === 'error' ? 'error' : 'stop', FINAL_AAD)
    job.send({
      type: 'encrypted_response',
      id: stream.requestId,
      session_id: stream.sessionId ?? undefined,
      payload: {
        ciphertextHex: bytesToHex(sealed.ciphertext),
        nonceHex: bytesToHex(sealed.nonce),
        aadHex: bytesToHex(utf8ToBytes(FINAL_AAD)),
      },
    })
  }
  job.send(
    streamEndFrame({
      reason: 'complete',
      tokensUsed: result?.usage?.completion_tokens ?? stream.tokensUsed,
      id: stream.requestId,
      // A plaintext stream_end {reason:"complete"} carries no session_id (PROTOCOL-SURFACE §10.7).
      sessionId: encrypted ? stream.sessionId : null,
      vlmTokens: job.vlmTokens,
      finishReason: finish === 'error' ? undefined : finish,
      usage: usageOf(job, stream.tokensUsed, result?.usage),
    }),
  )
}
