import { isFabstirError, type Reply, type ResponseStream } from '@fabstir/transport-ws'

/** What a caller got from one streamed prompt. */
export interface Consumed {
  /** Concatenated text of every delta the caller was given. */
  text: string
  /** Number of non-empty deltas given. */
  deltas: number
  /** Chunk indices of the deltas, in order of delivery. */
  indices: number[]
  /** The reply, when the answer completed. */
  reply: Reply | undefined
  /** The typed error code, when it failed. */
  code: string | undefined
  /** The typed error's message and `nodeMessage` lengths, when it failed (node text must be capped). */
  messageChars?: number
  /** A failure that was not a typed error (always a finding). */
  untyped: unknown
}

/** Iterate a response stream to its end, recording every delta and the outcome. Never throws. */
export async function consume(stream: ResponseStream): Promise<Consumed> {
  const out: Consumed = {
    text: '',
    deltas: 0,
    indices: [],
    reply: undefined,
    code: undefined,
    untyped: undefined,
  }
  try {
    for await (const delta of stream) {
      out.text += delta.text
      out.deltas++
      out.indices.push(delta.index)
    }
    out.reply = await stream.result
  } catch (e) {
    if (isFabstirError(e)) {
      out.code = e.code
      out.messageChars = Math.max(e.message.length, e.nodeMessage?.length ?? 0)
    } else out.untyped = e
  }
  return out
}

/** The typed code of a rejected promise (`undefined` when it resolved); untyped failures are returned as is. */
export async function outcomeOf(
  promise: Promise<unknown>,
): Promise<{ code: string | undefined; untyped: unknown }> {
  try {
    await promise
    return { code: undefined, untyped: undefined }
  } catch (e) {
    return isFabstirError(e) ? { code: e.code, untyped: undefined } : { code: undefined, untyped: e }
  }
}
