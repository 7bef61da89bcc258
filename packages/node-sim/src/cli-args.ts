import { parseArgs } from 'node:util'
import { FabstirBaseError } from '@fabstir/wire'
import type { NodeSimOptions } from './server.js'

/** Usage text of the `fabstir-node-sim` command. */
export const USAGE = `Usage: fabstir-node-sim [options]

Starts a Fabstir LLM node simulator (encrypted WebSocket protocol on /v1/ws) and prints one JSON line
{"url","publicKey","address"} on stdout (publicKey is null with --no-encryption). Logs go to stderr. Stop it with
Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port N               TCP port (default 0 = a free port)
  --host H               interface to bind (default 127.0.0.1)
  --private-key HEX      node secp256k1 key, 32 bytes hex (default: random)
  --no-encryption        behave like a node without a key (ENCRYPTION_NOT_SUPPORTED; no publicKey)
  --chunk-delay-ms N     delay before each response chunk (default 0)
  --rate-limit N         prompts per minute shared by all connections (default 60)
  --upstream URL         answer with a real model: an OpenAI-compatible API base URL, e.g.
                         http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1 (llama.cpp server);
                         each decrypted prompt goes to URL/chat/completions, streamed
  --upstream-model NAME  model name sent upstream (default: the prompt's model, tiny-vicuna)
  --no-auto-image-routing  chat prompts are never diverted to image generation
  --no-diffusion         no diffusion sidecar (DIFFUSION_SERVICE_UNAVAILABLE; no auto routing)
  --no-transcoder        no transcoder sidecar (SIDECAR_UNAVAILABLE)
  --no-comfyui           no ComfyUI sidecar for LTX (SIDECAR_UNAVAILABLE)
  --no-vlm               no VLM sidecar: vision images are ignored
  --web-search           enable the fake web search of chat prompts
  --image-delay-ms N     simulated image generation time (default 0)
  --progress-interval-ms N  transcode poll interval and LTX step delay (default 0)
  --help, -h             show this help

Environment:
  FABSTIR_UPSTREAM_API_KEY  sent upstream as "Authorization: Bearer <key>" (never logged)`

/** Raised for a bad command line; the CLI prints the message on one line and exits with status 2. */
export class CliUsageError extends FabstirBaseError {
  override readonly name: string = 'CliUsageError'
  /** Stable code. */
  declare readonly code: 'INVALID_ARGUMENTS'

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENTS', message, options)
  }
}

/** Where `--upstream` sends prompts. */
export interface CliUpstream {
  /** OpenAI-compatible API base URL (`http:` or `https:`). */
  url: string
  /** Model name sent upstream, when given. */
  model?: string
}

/** Parsed command line: either a help request or server options (plus an upstream model, when given). */
export type CliCommand = { help: true } | { help: false; options: NodeSimOptions; upstream?: CliUpstream }

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'private-key': { type: 'string' },
  'no-encryption': { type: 'boolean' },
  'chunk-delay-ms': { type: 'string' },
  'rate-limit': { type: 'string' },
  upstream: { type: 'string' },
  'upstream-model': { type: 'string' },
  'no-auto-image-routing': { type: 'boolean' },
  'no-diffusion': { type: 'boolean' },
  'no-transcoder': { type: 'boolean' },
  'no-comfyui': { type: 'boolean' },
  'no-vlm': { type: 'boolean' },
  'web-search': { type: 'boolean' },
  'image-delay-ms': { type: 'string' },
  'progress-interval-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text)) throw new CliUsageError(`--${flag} expects an integer, got "${text}"`)
  const n = Number(text)
  if (n < min || n > max) throw new CliUsageError(`--${flag} must be between ${min} and ${max}`)
  return n
}

function httpUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliUsageError(`--upstream expects an http(s) URL, got "${text}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(`--upstream expects an http(s) URL, got "${text}"`)
  }
  return text
}

/** The simulated sidecars (PROTOCOL-SURFACE §5–§10): presence, pacing, auto image routing, web search. */
function sidecarOptions(values: Record<string, string | boolean | undefined>, options: NodeSimOptions): void {
  if (values['no-auto-image-routing'] === true) options.autoImageRouting = false
  if (values['no-diffusion'] === true) options.diffusion = false
  if (values['no-transcoder'] === true) options.transcoder = false
  if (values['no-comfyui'] === true) options.comfyui = false
  if (values['no-vlm'] === true) options.vlm = false
  if (values['web-search'] === true) options.webSearch = true
  const imageDelay = values['image-delay-ms']
  if (typeof imageDelay === 'string' && options.diffusion !== false) {
    options.diffusion = { ...options.diffusion, delayMs: integer('image-delay-ms', imageDelay, 0, 3_600_000) }
  }
  const interval = values['progress-interval-ms']
  if (typeof interval === 'string') {
    const ms = integer('progress-interval-ms', interval, 0, 3_600_000)
    if (options.transcoder !== false) options.transcoder = { ...options.transcoder, pollIntervalMs: ms }
    if (options.comfyui !== false) options.comfyui = { ...options.comfyui, stepDelayMs: ms }
  }
}

/** Parse `fabstir-node-sim` arguments (`--flag value` or `--flag=value`). Throws {@link CliUsageError}. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values']
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (e) {
    // node:util's messages are one sentence, sometimes followed by a hint on a second line: keep the first.
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!
    throw new CliUsageError(`${first} (see --help)`)
  }
  if (values.help === true) return { help: true }
  const options: NodeSimOptions = {}
  if (values.port !== undefined) options.port = integer('port', values.port, 0, 65535)
  if (values.host !== undefined) {
    if (values.host === '') throw new CliUsageError('--host expects a host name or address')
    options.host = values.host
  }
  const key = values['private-key']
  if (key !== undefined) {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
      throw new CliUsageError('--private-key expects 32 bytes of hex (64 hex digits, optional 0x)')
    }
    options.privateKey = key
  }
  if (values['no-encryption'] === true) options.encryption = false
  const delay = values['chunk-delay-ms']
  if (delay !== undefined) options.chunkDelayMs = integer('chunk-delay-ms', delay, 0, 3_600_000)
  const rate = values['rate-limit']
  if (rate !== undefined) options.rateLimitPerMinute = integer('rate-limit', rate, 1, 1_000_000_000)
  sidecarOptions(values, options)
  const model = values['upstream-model']
  if (model !== undefined && values.upstream === undefined) {
    throw new CliUsageError('--upstream-model needs --upstream')
  }
  if (model === '') throw new CliUsageError('--upstream-model expects a model name')
  if (values.upstream === undefined) return { help: false, options }
  const upstream: CliUpstream = { url: httpUrl(values.upstream) }
  if (model !== undefined) upstream.model = model
  return { help: false, options, upstream }
}
