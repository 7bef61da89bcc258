/** Everything the page reads from its query string, with the defaults used when a parameter is absent. */
export interface DemoConfig {
  /** Node WebSocket URL (`?url=`). */
  url: string
  /** Node public key, hex (`?key=`); empty when not given. */
  nodePublicKey: string
  /** `?fallback=1`: accept the plaintext protocol when the node has no encryption key. */
  allowPlaintextFallback: boolean
  /** `?job=` — the on-chain job id the session is billed to. */
  jobId: string
  /** `?model=` */
  modelName: string
  /** `?price=` — price per token in the smallest unit (decimal integer). */
  pricePerToken: bigint
  /** `?connect=1`: connect as soon as the page loads. */
  autoConnect: boolean
}

/** Where `fabstir-node-sim` listens when started without options. */
export const DEFAULT_NODE_URL = 'ws://127.0.0.1:8080/v1/ws'
const DEFAULT_JOB_ID = '1'
const DEFAULT_MODEL = 'tiny-vicuna'
/** The lowest native-token price the node accepts (PROTOCOL.md §4). */
const DEFAULT_PRICE = 2_272_727_273n

function flag(value: string | null): boolean {
  return value === '1' || value === 'true'
}

function decimal(value: string | null, fallback: bigint): bigint {
  return value !== null && /^\d{1,20}$/.test(value) ? BigInt(value) : fallback
}

/** Read the demo settings from a query string such as `location.search`. */
export function readConfig(search: string): DemoConfig {
  const q = new URLSearchParams(search)
  const job = q.get('job')
  return {
    url: q.get('url')?.trim() || DEFAULT_NODE_URL,
    nodePublicKey: q.get('key')?.trim() ?? '',
    allowPlaintextFallback: flag(q.get('fallback')),
    jobId: job !== null && /^\d{1,20}$/.test(job) ? job : DEFAULT_JOB_ID,
    modelName: q.get('model')?.trim() || DEFAULT_MODEL,
    pricePerToken: decimal(q.get('price'), DEFAULT_PRICE),
    autoConnect: flag(q.get('connect')),
  }
}
