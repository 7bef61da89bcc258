import type { NodeSimOptions } from './server.js'

/** Usage text of the `fabstir-node-sim` command. */
export const USAGE = `Usage: fabstir-node-sim [options]

Starts a Fabstir LLM node simulator (encrypted WebSocket protocol on /v1/ws) and prints one JSON line
{"url","publicKey","address"} on stdout. Logs go to stderr. Stop it with Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port N             TCP port (default 0 = a free port)
  --host H             interface to bind (default 127.0.0.1)
  --private-key HEX    node secp256k1 key, 32 bytes hex (default: random)
  --no-encryption      behave like a node without a key (ENCRYPTION_NOT_SUPPORTED)
  --chunk-delay-ms N   delay before each response chunk (default 0)
  --rate-limit N       prompts per minute shared by all connections (default 60)
  --no-auto-image-routing  chat prompts are never diverted to image generation
  --no-diffusion       no diffusion sidecar (DIFFUSION_SERVICE_UNAVAILABLE; no auto routing)
  --no-transcoder      no transcoder sidecar (SIDECAR_UNAVAILABLE)
  --no-comfyui         no ComfyUI sidecar for LTX (SIDECAR_UNAVAILABLE)
  --no-vlm             no VLM sidecar: vision images are ignored
  --web-search         enable the fake web search of chat prompts
  --image-delay-ms N   simulated image generation time (default 0)
  --progress-interval-ms N  transcode poll interval and LTX step delay (default 0)
  --help               show this help`

/** Raised for a bad command line; the CLI prints the message on one line and exits with status 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError'
  /** Stable code. */
  readonly code = 'INVALID_ARGUMENTS' as const
}

/** Parsed command line: either a help request or server options. */
export type CliCommand = { help: true } | { help: false; options: NodeSimOptions }

const VALUE_FLAGS = new Set([
  '--port',
  '--host',
  '--private-key',
  '--chunk-delay-ms',
  '--rate-limit',
  '--image-delay-ms',
  '--progress-interval-ms',
])

function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text)) throw new CliUsageError(`${flag} expects an integer, got "${text}"`)
  const n = Number(text)
  if (n < min || n > max) throw new CliUsageError(`${flag} must be between ${min} and ${max}`)
  return n
}

/** Parse `fabstir-node-sim` arguments (`--flag value` or `--flag=value`). Throws {@link CliUsageError}. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const options: NodeSimOptions = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    let value: string | undefined
    if (VALUE_FLAGS.has(flag)) {
      value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined || (value.startsWith('--') && eq < 0)) {
        throw new CliUsageError(`${flag} expects a value`)
      }
    } else if (eq > 0 && arg.startsWith('--')) {
      throw new CliUsageError(`${flag} does not take a value`)
    }
    switch (flag) {
      case '--help':
      case '-h':
        return { help: true }
      case '--port':
        options.port = integer(flag, value!, 0, 65535)
        break
      case '--host':
        if (value === '') throw new CliUsageError('--host expects a host name or address')
        options.host = value!
        break
      case '--private-key':
        if (!/^(0x)?[0-9a-fA-F]{64}$/.test(value!)) {
          throw new CliUsageError('--private-key expects 32 bytes of hex (64 hex digits, optional 0x)')
        }
        options.privateKey = value!
        break
      case '--no-encryption':
        options.encryption = false
        break
      case '--chunk-delay-ms':
        options.chunkDelayMs = integer(flag, value!, 0, 3_600_000)
        break
      case '--rate-limit':
        options.rateLimitPerMinute = integer(flag, value!, 1, 1_000_000_000)
        break
      case '--no-auto-image-routing':
        options.autoImageRouting = false
        break
      case '--no-diffusion':
        options.diffusion = false
        break
      case '--no-transcoder':
        options.transcoder = false
        break
      case '--no-comfyui':
        options.comfyui = false
        break
      case '--no-vlm':
        options.vlm = false
        break
      case '--web-search':
        options.webSearch = true
        break
      case '--image-delay-ms': {
        const delayMs = integer(flag, value!, 0, 3_600_000)
        if (options.diffusion !== false) options.diffusion = { ...options.diffusion, delayMs }
        break
      }
      case '--progress-interval-ms': {
        const ms = integer(flag, value!, 0, 3_600_000)
        if (options.transcoder !== false) options.transcoder = { ...options.transcoder, pollIntervalMs: ms }
        if (options.comfyui !== false) options.comfyui = { ...options.comfyui, stepDelayMs: ms }
        break
      }
      default:
        throw new CliUsageError(`unknown option "${arg}" (see --help)`)
    }
  }
  return { help: false, options }
}
