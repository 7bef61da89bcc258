import { parseArgs as parseArgv } from 'node:util'

/** Command-line options of the demo. */
export interface ChatArgs {
  url: string | undefined
  nodeKey: string | undefined
  nodeAddress: string | undefined
  privateKey: `0x${string}` | undefined
  jobId: string
  model: string
  price: bigint
  prompts: string[]
  encryption: boolean
  allowPlaintextFallback: boolean
  /** Per-token pace of the built-in simulator, in milliseconds. */
  tokenDelayMs: number
  /** Allow the /rag commands (RAG is plaintext on the node). */
  plaintextRag: boolean
  /** Where /image writes its files. */
  imageDir: string
  help: boolean
}

/** Default pace of the built-in simulator: about what a small model on a GPU streams. */
export const DEFAULT_TOKEN_DELAY_MS = 30

export const USAGE = `fabstir-chat — end-to-end encrypted chat with a Fabstir LLM node

Usage:
  npm run demo                                     chat with the built-in node simulator (no model: canned/echo answers)
  npm run demo -- --url wss://host/v1/ws --node-key 0x02… --node-address 0x… --job-id 42 --private-key 0x…
                                                   the same chat with a real node (or with fabstir-node-sim --upstream)

Options:
  --url URL                 node WebSocket URL (default: a built-in fabstir-node-sim)
  --node-key HEX            the node's secp256k1 public key, from the registry or its config (required with --url)
  --node-address 0x…        the node's host address from the registry: the key is checked against it before
                            anything is sent (strongly recommended with --url)
  --private-key HEX         wallet key that signs the session (default: a throw-away key)
  --job-id ID               on-chain job id (default 1)
  --model NAME              model name (default tinyllama)
  --price N                 price per token in the smallest unit (default 2272727273)
  --prompt TEXT             send this prompt (repeatable); without it: two demo prompts, or interactive on a TTY
  --token-delay-ms N        pace of the built-in simulator per token (default ${DEFAULT_TOKEN_DELAY_MS}; 0 = as fast as possible)
  --no-encryption           use the deprecated plaintext protocol
  --allow-plaintext-fallback  fall back to plaintext if the node has no encryption key
  --plaintext-rag           allow the /rag commands: RAG vectors and text travel in PLAINTEXT (node limitation)
  --image-dir DIR           where /image (and images the node returns for prompts like "draw a …") are written
                            (default: the current directory)
  --help, -h                this text`

const OPTIONS = {
  url: { type: 'string' },
  'node-key': { type: 'string' },
  'node-address': { type: 'string' },
  'private-key': { type: 'string' },
  'job-id': { type: 'string' },
  model: { type: 'string' },
  price: { type: 'string' },
  prompt: { type: 'string', multiple: true },
  'token-delay-ms': { type: 'string' },
  'no-encryption': { type: 'boolean' },
  'allow-plaintext-fallback': { type: 'boolean' },
  'plaintext-rag': { type: 'boolean' },
  'image-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Parse argv; throws an Error with a one-sentence message on bad input. */
export function parseArgs(argv: string[]): ChatArgs {
  let values: ReturnType<typeof parseArgv<{ options: typeof OPTIONS }>>['values']
  try {
    values = parseArgv({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!
    throw new Error(`${first} (see --help)`)
  }
  const privateKey = values['private-key']
  if (privateKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
    throw new Error('--private-key must be 0x followed by 64 hex digits')
  }
  const nodeAddress = values['node-address']
  if (nodeAddress !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(nodeAddress)) {
    throw new Error(
      '--node-address must be 0x followed by 40 hex digits (the host address from the registry)',
    )
  }
  const price = values.price ?? '2272727273'
  if (!/^[0-9]+$/.test(price)) throw new Error('--price must be a non-negative integer')
  const delay = values['token-delay-ms']
  if (delay !== undefined && !/^[0-9]{1,5}$/.test(delay)) {
    throw new Error('--token-delay-ms must be an integer number of milliseconds (0–99999)')
  }
  const args: ChatArgs = {
    url: values.url,
    nodeKey: values['node-key'],
    nodeAddress,
    privateKey: privateKey as `0x${string}` | undefined,
    jobId: values['job-id'] ?? '1',
    model: values.model ?? 'tinyllama',
    price: BigInt(price),
    prompts: values.prompt ?? [],
    encryption: values['no-encryption'] !== true,
    allowPlaintextFallback: values['allow-plaintext-fallback'] === true,
    plaintextRag: values['plaintext-rag'] === true,
    imageDir: values['image-dir'] ?? '.',
    tokenDelayMs: delay === undefined ? DEFAULT_TOKEN_DELAY_MS : Number(delay),
    help: values.help === true,
  }
  if (args.help) return args
  if (args.url !== undefined && args.encryption && args.nodeKey === undefined) {
    throw new Error('--url needs --node-key (the node does not serve its key: take it from the registry)')
  }
  if (args.url !== undefined && delay !== undefined) {
    throw new Error('--token-delay-ms paces the built-in simulator only; a real node streams at its own pace')
  }
  if (args.url === undefined && (args.nodeKey !== undefined || nodeAddress !== undefined)) {
    throw new Error('--node-key and --node-address need --url (the built-in simulator brings its own)')
  }
  return args
}
