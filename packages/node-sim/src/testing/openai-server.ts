import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the fake model received. */
export interface ReceivedRequest {
  /** Request path, e.g. `/v1/chat/completions`. */
  path: string
  /** Request headers as Node received them. */
  headers: IncomingMessage['headers']
  /** The JSON request body. */
  // biome-ignore lint/suspicious/noExplicitAny: the request body is inspected dynamically
  body: any
  /** True once the client closed the connection before the answer was complete. */
  aborted: boolean
}

/** What the fake model does with the next request. */
export type Behaviour =
  | {
      kind: 'stream'
      tokens: string[]
      usage?: { prompt_tokens: number; completion_tokens: number }
      finish?: string
    }
  | { kind: 'status'; status: number; body: string }
  | { kind: 'hang-after'; tokens: string[] }
  | { kind: 'error-event-after'; tokens: string[]; message: string }
  | { kind: 'split'; raw: string[] }

/**
 * A tiny OpenAI-compatible `/v1/chat/completions` server with SSE streaming, for tests: each request is answered
 * according to `behaviour`, and recorded (including whether the client hung up early).
 */
export async function startOpenAiServer() {
  const requests: ReceivedRequest[] = []
  let behaviour: Behaviour = { kind: 'stream', tokens: ['Hello', ' world'] }
  const open = new Set<ServerResponse>()

  const event = (res: ServerResponse, data: unknown): void => {
    res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
  }
  const delta = (content: string, finish: string | null = null) => ({
    id: 'cmpl-1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })

  const server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => {
      text += d
    })
    req.on('end', () => {
      const entry: ReceivedRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text),
        aborted: false,
      }
      requests.push(entry)
      res.on('close', () => {
        open.delete(res)
        if (!res.writableEnded) entry.aborted = true
      })
      open.add(res)
      const b = behaviour
      if (req.url !== '/v1/chat/completions') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"error":{"message":"no such route"}}')
        return
      }
      if (b.kind === 'status') {
        res.writeHead(b.status, { 'content-type': 'application/json' }).end(b.body)
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      event(res, { id: 'cmpl-1', choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] })
      if (b.kind === 'split') {
        for (const piece of b.raw) res.write(piece)
        res.end()
        return
      }
      for (const t of b.tokens) event(res, delta(t))
      if (b.kind === 'hang-after') return // never finishes: only the client can end it
      if (b.kind === 'error-event-after') {
        event(res, { error: { message: b.message, type: 'server_error' } })
        res.end()
        return
      }
      event(res, {
        ...delta('', b.finish ?? 'stop'),
        choices: [{ index: 0, delta: {}, finish_reason: b.finish ?? 'stop' }],
      })
      if (b.usage) {
        event(res, {
          id: 'cmpl-1',
          choices: [],
          usage: { ...b.usage, total_tokens: b.usage.prompt_tokens + b.usage.completion_tokens },
        })
      }
      event(res, '[DONE]')
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    set(next: Behaviour) {
      behaviour = next
    },
    close(): Promise<void> {
      for (const res of open) res.destroy()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
