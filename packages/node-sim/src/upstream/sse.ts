import { UpstreamError } from './upstream-error.js'

/** Largest single server-sent event the simulator accepts from an upstream model (the node's message limit). */
export const MAX_SSE_EVENT_CHARS = 64 * 1024 * 1024

/**
 * The `data` of each server-sent event in `body` (WHATWG EventSource parsing: `data:` lines joined by `\n`, comments
 * and other fields ignored, an event ends at a blank line; CR, LF and CRLF line ends). Linear in the input. Cancels
 * the body when the consumer stops early, which closes the upstream HTTP request.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string, void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let pending = ''
  let data: string[] | undefined
  let size = 0
  let finished = false
  function* lines(text: string, flush: boolean): Generator<string> {
    // `pending` holds no line break except possibly a trailing CR: scan only from there, so the work stays linear.
    const from = Math.max(0, pending.length - 1)
    pending += text
    let start = 0
    for (let i = from; i < pending.length; i++) {
      const c = pending.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      if (c === 13 && i + 1 === pending.length && !flush) break // CR at the end: maybe half of a CRLF
      yield pending.slice(start, i)
      if (c === 13 && pending.charCodeAt(i + 1) === 10) i++
      start = i + 1
    }
    pending = pending.slice(start)
    if (flush && pending !== '') {
      yield pending
      pending = ''
    }
  }
  function* events(text: string, flush: boolean): Generator<string> {
    for (const line of lines(text, flush)) {
      if (line === '') {
        if (data !== undefined) yield data.join('\n')
        data = undefined
        size = 0
        continue
      }
      if (!line.startsWith('data:')) continue // comments (":"), event, id, retry
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
      size += value.length + 1
      if (size > MAX_SSE_EVENT_CHARS) throw new UpstreamError('upstream sent an event larger than 64 MiB')
      if (data === undefined) data = [value]
      else data.push(value)
    }
    if (pending.length > MAX_SSE_EVENT_CHARS)
      throw new UpstreamError('upstream sent a line larger than 64 MiB')
  }
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      yield* events(decoder.decode(value, { stream: true }), false)
    }
    yield* events(decoder.decode(), true)
    if (data !== undefined) yield data.join('\n') // a final event without its blank line
    finished = true
  } finally {
    if (!finished) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}
