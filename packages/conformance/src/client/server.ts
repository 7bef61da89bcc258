import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bytesToHex, generateEphemeralKey, getPublicKey, publicKeyToAddress } from '@fabstir/crypto'
import { WebSocketServer } from 'ws'
import { NODE_MESSAGE_LIMIT } from '../limits.js'
import type { RecordedFrame } from '../node/probe.js'
import type { CaseResult, SuiteReport } from '../report/types.js'
import { CLIENT_CASES, CLIENT_GROUPS, type ClientCase } from './cases.js'
import { ScriptAbort, ScriptContext } from './script.js'

/** What a client under test reports for one case (`POST /report/<id>`). */
export type ClientReport =
  | {
      /** The full answer text the client delivered. */
      delivered: string
    }
  | {
      /** The error code the client raised. */
      error: string
    }
  | {
      /** Why the client skipped the case. */
      skipped: string
    }

/** Options of {@link startClientServer}. */
export interface ServeOptions {
  /** Port (0 = any free port). */
  port?: number
  /** Listen address (default 127.0.0.1). */
  host?: string
  /** The scripted node's static key (default: a fresh one per run). */
  nodePrivateKey?: Uint8Array
  /** How long a script waits for the client's next frame (default 15,000 ms). */
  timeoutMs?: number
  /** Only these cases. */
  filter?: (c: ClientCase) => boolean
  /** Called when a case has been graded. */
  onResult?: (r: CaseResult) => void
}

/** A running scripted node. */
export interface ClientServer {
  /** `http://host:port` — `GET /info` lists the cases. */
  readonly url: string
  /** The scripted node's static public key (compressed hex): what the client must use. */
  readonly nodePublicKey: string
  /** The scripted node's host address. */
  readonly nodeAddress: string
  /** Resolves with the report once every case has been reported. */
  readonly done: Promise<SuiteReport>
  /** The report so far (cases without a report are failures: "the client did not report"). */
  report(): SuiteReport
  /** Stop listening and drop every connection. */
  close(): Promise<void>
}

const MAX_REPORT_BYTES = 1024 * 1024

/** Grade one report against the case's expectation. */
export function grade(c: ClientCase, report: ClientReport): Pick<CaseResult, 'status' | 'message'> {
  if ('skipped' in report) return { status: 'skipped', message: `the client skipped it: ${report.skipped}` }
  const shown = (t: string) => JSON.stringify(t.length > 200 ? `${t.slice(0, 200)}…` : t)
  if ('delivered' in c.expect) {
    if ('delivered' in report && report.delivered === c.expect.delivered) return { status: 'pass' }
    if ('delivered' in report) {
      return {
        status: 'fail',
        message: `delivered ${shown(report.delivered)}, expected ${shown(c.expect.delivered)}`,
      }
    }
    return {
      status: 'fail',
      message: `reported error ${report.error}, expected the answer ${shown(c.expect.delivered)}`,
    }
  }
  if ('delivered' in report) {
    return {
      status: 'fail',
      message: `delivered ${shown(report.delivered)} for an answer it must refuse (expected an error: ${c.expect.error.join(' | ')})`,
    }
  }
  if (c.expect.error.includes(report.error)) return { status: 'pass' }
  return { status: 'fail', message: `reported ${report.error}, expected one of ${c.expect.error.join(', ')}` }
}

function parseReport(text: string): ClientReport | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>
    if (typeof v.delivered === 'string') return { delivered: v.delivered }
    if (typeof v.error === 'string') return { error: v.error }
    if (typeof v.skipped === 'string') return { skipped: v.skipped }
  } catch {
    // fall through
  }
  return undefined
}

/**
 * Start the scripted node of client mode. A client under test reads `GET /info`, then for each case connects once to
 * `ws://host:port/case/<id>`, starts a session with `nodePublicKey`, sends the case's prompts, and posts what it
 * delivered to `POST /report/<id>` as `{"delivered": text}`, `{"error": CODE}` or `{"skipped": reason}`.
 */
export async function startClientServer(options: ServeOptions = {}): Promise<ClientServer> {
  const privateKey = options.nodePrivateKey ?? generateEphemeralKey().privateKey
  const nodePublicKey = bytesToHex(getPublicKey(privateKey, true))
  const nodeAddress = publicKeyToAddress(getPublicKey(privateKey, false))
  const cases = CLIENT_CASES.filter((c) => !options.filter || options.filter(c))
  const frames = new Map<string, RecordedFrame[]>(cases.map((c) => [c.id, []]))
  const notes = new Map<string, string[]>(cases.map((c) => [c.id, []]))
  const graded = new Map<string, CaseResult>()
  const startedAt = new Date()
  let finish: (r: SuiteReport) => void = () => {}
  const done = new Promise<SuiteReport>((resolve) => {
    finish = resolve
  })

  const snapshot = (): SuiteReport => ({
    mode: 'client',
    target: url,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    capabilities: {},
    groups: CLIENT_GROUPS,
    results: cases.map(
      (c) =>
        graded.get(c.id) ?? {
          id: c.id,
          group: c.group,
          title: c.title,
          spec: c.spec,
          status: 'fail',
          message: 'the client did not report this case',
          durationMs: 0,
          frames: frames.get(c.id) ?? [],
        },
    ),
  })

  const http = createServer((req, res) => handleHttp(req, res))
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: NODE_MESSAGE_LIMIT,
    perMessageDeflate: false,
  })
  const caseStarted = new Map<string, number>()

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'GET' && path === '/info') {
      json(200, {
        nodePublicKey,
        nodeAddress,
        cases: cases.map((c) => ({
          id: c.id,
          title: c.title,
          group: c.group,
          prompts: c.prompts ?? 1,
          path: `/case/${c.id}`,
        })),
        report: 'POST /report/<id> with {"delivered": text} | {"error": CODE} | {"skipped": reason}',
      })
      return
    }
    if (req.method === 'GET' && path === '/report') {
      json(200, snapshot())
      return
    }
    const m = /^\/report\/([0-9.]+)$/.exec(path)
    const c = m ? cases.find((x) => x.id === m[1]) : undefined
    if (req.method !== 'POST' || !c) {
      json(404, { error: 'not found' })
      return
    }
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => {
      body += d
      if (body.length > MAX_REPORT_BYTES) req.destroy()
    })
    req.on('end', () => {
      const report = parseReport(body)
      if (!report) {
        json(400, { error: 'expected {"delivered": string} | {"error": string} | {"skipped": string}' })
        return
      }
      const verdict = grade(c, report)
      const extra = notes.get(c.id) ?? []
      const message = [verdict.message, ...extra].filter(Boolean).join(' · ') || undefined
      const result: CaseResult = {
        id: c.id,
        group: c.group,
        title: c.title,
        spec: c.spec,
        status: verdict.status,
        durationMs: Date.now() - (caseStarted.get(c.id) ?? Date.now()),
        frames: frames.get(c.id) ?? [],
      }
      if (message !== undefined && verdict.status !== 'pass') result.message = message
      graded.set(c.id, result)
      options.onResult?.(result)
      json(200, { status: result.status, message: result.message })
      if (graded.size === cases.length) finish(snapshot())
    })
  }

  http.on('upgrade', (req, socket, head) => {
    const m = /^\/case\/([0-9.]+)(\/.*)?$/.exec((req.url ?? '').split('?')[0]!)
    const c = m ? cases.find((x) => x.id === m[1]) : undefined
    if (!c) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!caseStarted.has(c.id)) caseStarted.set(c.id, Date.now())
      const ctx = new ScriptContext(
        (text) => ws.send(text),
        (code) => ws.close(code),
        privateKey,
        options.timeoutMs ?? 15_000,
        (frame) => frames.get(c.id)!.push(frame),
      )
      ws.on('message', (data, isBinary) => ctx.deliver(isBinary ? '<binary>' : data.toString()))
      ws.on('close', () => ctx.clientClosed())
      ws.on('error', () => ctx.clientClosed())
      ctx.send({ type: 'connected', message: 'WebSocket connected successfully' })
      c.play(ctx).catch((e: unknown) => {
        const text =
          e instanceof ScriptAbort ? e.message : `script error: ${e instanceof Error ? e.message : String(e)}`
        notes.get(c.id)!.push(text)
      })
    })
  })

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = http.address() as AddressInfo
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`
  return {
    url,
    nodePublicKey,
    nodeAddress,
    done,
    report: snapshot,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
