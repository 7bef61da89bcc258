/** Command-line options of the demo. */
export interface ChatArgs {
  url: string | undefined
  nodePublicKey: string | undefined
  privateKey: `0x${string}` | undefined
  jobId: string
  model: string
  price: bigint
  prompts: string[]
  encryption: boolean
  allowPlaintextFallback: boolean
  /** Allow the /rag commands (RAG is plaintext on the node). */
  plaintextRag: boolean
  /** Where /image writes its files. */
  imageDir: string
  help: boolean
}

export const USAGE = `fabstir-chat — end-to-end encrypted chat with a Fabstir LLM node

Usage:
  fabstir-chat                                  start an embedded node simulator and chat with it
  fabstir-chat --url ws://host:8080/v1/ws --node-public-key 0x02… --private-key 0x…

Options:
  --url URL                 node WebSocket URL (default: an embedded fabstir-node-sim)
  --node-public-key HEX     the node's secp256k1 public key (required with --url)
  --private-key HEX         wallet key that signs the session (default: a throw-away key)
  --job-id ID               on-chain job id (default 1)
  --model NAME              model name (default tinyllama)
  --price N                 price per token in the smallest unit (default 2272727273)
  --prompt TEXT             send this prompt (repeatable); without it: two demo prompts, or interactive on a TTY
  --no-encryption           use the deprecated plaintext protocol
  --allow-plaintext-fallback  fall back to plaintext if the node has no encryption key
  --plaintext-rag           allow the /rag commands: RAG vectors and text travel in PLAINTEXT (node limitation)
  --image-dir DIR           where /image (and images the node returns for prompts like "draw a …") are written
                            (default: the current directory)
  --help                    this text`

/** Parse argv; throws an Error with a one-sentence message on bad input. */
export function parseArgs(argv: string[]): ChatArgs {
  const args: ChatArgs = {
    url: undefined,
    nodePublicKey: undefined,
    privateKey: undefined,
    jobId: '1',
    model: 'tinyllama',
    price: 2272727273n,
    prompts: [],
    encryption: true,
    allowPlaintextFallback: false,
    plaintextRag: false,
    imageDir: '.',
    help: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--url':
        args.url = value()
        break
      case '--node-public-key':
        args.nodePublicKey = value()
        break
      case '--private-key': {
        const v = value()
        if (!/^0x[0-9a-fA-F]{64}$/.test(v))
          throw new Error('--private-key must be 0x followed by 64 hex digits')
        args.privateKey = v as `0x${string}`
        break
      }
      case '--job-id':
        args.jobId = value()
        break
      case '--model':
        args.model = value()
        break
      case '--price': {
        const v = value()
        if (!/^[0-9]+$/.test(v)) throw new Error('--price must be a non-negative integer')
        args.price = BigInt(v)
        break
      }
      case '--prompt':
        args.prompts.push(value())
        break
      case '--no-encryption':
        args.encryption = false
        break
      case '--allow-plaintext-fallback':
        args.allowPlaintextFallback = true
        break
      case '--plaintext-rag':
        args.plaintextRag = true
        break
      case '--image-dir':
        args.imageDir = value()
        break
      case '--help':
      case '-h':
        args.help = true
        break
      default:
        throw new Error(`unknown option ${flag} (see --help)`)
    }
  }
  if (args.url !== undefined && args.encryption && args.nodePublicKey === undefined) {
    throw new Error('--url needs --node-public-key (the node does not serve its key)')
  }
  return args
}
