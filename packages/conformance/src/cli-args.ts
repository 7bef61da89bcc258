import { parseArgs } from 'node:util'
import { hexToBytes, parsePublicKey } from '@fabstir/crypto'
import { FabstirBaseError } from '@fabstir/wire'
import type { NodeTarget } from './node/case.js'

/** Usage text of the `fabstir-conformance` command. */
export const USAGE = `usage:
  fabstir-conformance node <ws-url> [--node-key 0x…] [--node-address 0x…] [--rate-limit N]
                                    [--report DIR] [--cases PREFIX,…] [--timeout MS] [--silence MS]
                                    [--context-window TOKENS] [--transcode-source CID] [--ltx-renders]
                                    [--job-timeout MS]
  fabstir-conformance serve [--port P] [--host H] [--report DIR] [--cases PREFIX,…] [--timeout MS]

  node     run the numbered node battery against <ws-url> (e.g. ws://127.0.0.1:8080/v1/ws)
  --node-key        the node's static secp256k1 public key (hex); without it encrypted cases are skipped
  --node-address    the node's host address; checked against --node-key
  --rate-limit N    the node's shared chat limit per minute; runs the rate-limit case (last)
  --report DIR      write DIR/report.json and DIR/report.html
  --cases P,…       only cases whose number starts with one of the prefixes (e.g. 2,3.05)
  --timeout MS      per-reply deadline (default 10000)
  --silence MS      how long "no reply" cases listen (default 500)
  --context-window  tokens, to build an oversized prompt (default 131072)
  --transcode-source CID  a source the node's transcoder can fetch: runs the transcode job cases
  --ltx-renders     run the LTX render cases (they start real renders on the node's ComfyUI)
  --job-timeout MS  longest wait for the next frame of a transcode or LTX job (default 600000)

  serve    a scripted node for client SDKs: GET http://H:P/info lists the cases and the node key; a client
           connects once per case to ws://H:P/case/<id>, sends the case's prompts and POSTs what it delivered
           to /report/<id> as {"delivered": text} | {"error": CODE} | {"skipped": reason} (docs/conformance.md)
  --port P          listen port (default 9001; 0 = any free port)
  --host H          listen address (default 127.0.0.1)

Exit code: 0 when no case failed, 1 when any failed, 2 on a usage or configuration error.`

/** A command-line mistake (exit code 2). */
export class UsageError extends FabstirBaseError {
  /** Always `'UsageError'`. */
  override readonly name: string = 'UsageError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENTS', message, options)
  }
}

/** `--help`, or no command at all: print the usage. */
export interface HelpCommand {
  /** Print the usage text. */
  command: 'help'
}

/** `serve`: the scripted node of client mode. */
export interface ServeCommand {
  /** Client mode. */
  command: 'serve'
  /** Listen port (0 = any free port). */
  port: number
  /** Listen address. */
  host: string
  /** How long a script waits for the client's next frame. */
  timeoutMs: number
  /** Where to write the report. */
  reportDir?: string
  /** Run only cases whose number starts with one of these. */
  casePrefixes?: string[]
}

/** What the command line asks for. */
export interface NodeCommand {
  /** Node mode. */
  command: 'node'
  /** The node under test and the inputs of the run. */
  target: NodeTarget
  /** Where to write `report.json` and `report.html` (`--report`). */
  reportDir?: string
  /** Run only cases whose number starts with one of these (`--cases`). */
  casePrefixes?: string[]
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`)
  return n
}

/** Parse `argv` (without the node and script paths). */
export function parseCliArgs(argv: string[]): NodeCommand | ServeCommand | HelpCommand {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e))
  }
  const { values, positionals } = parsed
  if (values.help || positionals.length === 0) return { command: 'help' }
  const [command, url, ...rest] = positionals
  const prefixes = values.cases
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  if (command === 'serve') {
    if (url !== undefined) throw new UsageError(`unexpected argument "${url}"`)
    const port = values.port === undefined ? 9001 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0…65535, got "${values.port}"`)
    const serve: ServeCommand = {
      command: 'serve',
      port,
      host: values.host ?? '127.0.0.1',
      timeoutMs: positiveInt(values.timeout, '--timeout', 15_000),
    }
    if (values.report) serve.reportDir = values.report
    if (prefixes) serve.casePrefixes = prefixes
    return serve
  }
  if (command !== 'node') throw new UsageError(`unknown command "${command}" (expected node or serve)`)
  if (!url || !/^wss?:\/\//.test(url)) throw new UsageError('node mode needs a ws:// or wss:// URL')
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
  let nodePublicKey: Uint8Array | undefined
  if (values['node-key'] !== undefined) {
    try {
      nodePublicKey = parsePublicKey(hexToBytes(values['node-key']))
    } catch {
      throw new UsageError('--node-key is not a valid secp256k1 public key (hex, compressed or uncompressed)')
    }
  }
  const address = values['node-address']
  if (address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new UsageError('--node-address must be 0x followed by 40 hex digits')
  }
  const target: NodeTarget = {
    url,
    timeoutMs: positiveInt(values.timeout, '--timeout', 10_000),
    silenceMs: positiveInt(values.silence, '--silence', 500),
    contextWindow: positiveInt(values['context-window'], '--context-window', 131_072),
  }
  if (nodePublicKey) target.nodePublicKey = nodePublicKey
  if (address) target.nodeAddress = address
  if (values['rate-limit'] !== undefined)
    target.rateLimit = positiveInt(values['rate-limit'], '--rate-limit', 60)
  const cmd: NodeCommand = { command: 'node', target }
  if (values.report) cmd.reportDir = values.report
  if (values['transcode-source']) target.transcodeSource = values['transcode-source']
  if (values['ltx-renders']) target.ltxRenders = true
  if (values['job-timeout'] !== undefined)
    target.jobTimeoutMs = positiveInt(values['job-timeout'], '--job-timeout', 600_000)
  if (prefixes) cmd.casePrefixes = prefixes
  return cmd
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'node-key': { type: 'string' },
      'node-address': { type: 'string' },
      'rate-limit': { type: 'string' },
      report: { type: 'string' },
      cases: { type: 'string' },
      timeout: { type: 'string' },
      silence: { type: 'string' },
      'context-window': { type: 'string' },
      port: { type: 'string' },
      'transcode-source': { type: 'string' },
      'ltx-renders': { type: 'boolean' },
      'job-timeout': { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
