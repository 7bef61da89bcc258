import type { Probe } from './probe.js'
import type { TestWallet } from './session-crypto.js'

/** The node under test, as given on the command line. */
export interface NodeTarget {
  /** `ws://host:port/v1/ws` */
  url: string
  /** The node's static public key (compressed or uncompressed SEC1); without it encrypted cases are skipped. */
  nodePublicKey?: Uint8Array
  /** The node's host address, checked against the key when both are given. */
  nodeAddress?: string
  /** The node's shared chat rate limit per minute; the rate-limit case runs only when it is given. */
  rateLimit?: number
  /** Per-reply deadline in milliseconds (default 10,000). */
  timeoutMs: number
  /** How long "no reply" cases listen before concluding silence (default 500 ms). */
  silenceMs: number
  /** Context window in tokens used to build an oversized prompt (default 131,072). */
  contextWindow: number
  /** Longest wait for the next frame of a running transcode or LTX job (default 600,000 ms). */
  jobTimeoutMs?: number
  /** A source CID the node's transcoder can fetch; the transcode job cases run only when it is given. */
  transcodeSource?: string
  /** Run the LTX render cases (they start real renders on a real node). */
  ltxRenders?: boolean
}

/** What the suite learned about the node before running cases. */
export interface Capabilities {
  /** The node holds a key and answers encrypted inits (false: it answered ENCRYPTION_NOT_SUPPORTED). */
  encryption: boolean
  /** The node answers the deprecated plaintext session_init. */
  plaintext: boolean
}

/** Case groups, in report order. */
export const GROUPS = {
  /** Cases 1.xx. */
  transport: 'Transport: greeting, ignored frames, pings',
  /** Cases 2.xx. */
  init: 'Encrypted session init: accepted forms',
  /** Cases 3.xx. */
  'init-errors': 'Encrypted session init: errors (code, shape, connection stays open)',
  /** Cases 4.xx. */
  chat: 'Encrypted chat: answers, AADs, ordering, ids',
  /** Cases 5.xx. */
  'message-errors': 'Encrypted message: errors',
  /** Cases 6.xx. */
  cancel: 'Cancel and busy state',
  /** Cases 7.xx. */
  plaintext: 'Plaintext protocol (deprecated, still served)',
  /** Cases 9.xx. */
  image: 'Encrypted image generation (and auto-routing of chat)',
  /** Cases 10.xx. */
  transcode: 'Encrypted transcode jobs',
  /** Cases 11.xx. */
  ltx: 'Encrypted LTX video jobs',
  /** Cases 12.xx. */
  rag: 'RAG vectors (plaintext frames)',
  /** Cases 13.xx. */
  vision: 'Vision images and web search inside the encrypted payload',
  /** Cases 8.xx. */
  limits: 'Limits: frame size, rate limit',
} as const

/** A case group id. */
export type GroupId = keyof typeof GROUPS

/** Preconditions a case needs; a case whose preconditions fail is "not served" or "skipped", never failed. */
export type Need =
  | 'encryption'
  | 'no-encryption'
  | 'plaintext'
  | 'rate-limit'
  | 'transcode-source'
  | 'ltx-renders'

/** Everything a case can use. */
export interface CaseContext {
  /** The node under test. */
  readonly target: NodeTarget
  /** What the run learned about it. */
  readonly capabilities: Capabilities
  /** A fresh wallet for this run. */
  readonly wallet: TestWallet
  /** Open a connection and consume the `connected` greeting (fails the case without one). */
  connect(): Promise<Probe>
}

/** One numbered conformance case. */
export interface NodeCase {
  /** Stable number, e.g. `3.07`: group number and case number. */
  id: string
  /** Its group. */
  group: GroupId
  /** What the case checks. */
  title: string
  /** What the spec says, with its section (shown in the report). */
  spec: string
  /** Preconditions (see {@link Need}). */
  needs?: Need[]
  /** Play the case; throws a CaseFailure, NotServed or Inconclusive, or resolves when it passes. */
  run(ctx: CaseContext): Promise<void>
}

/** Result status of one case. */
export type CaseStatus = 'pass' | 'fail' | 'not-served' | 'skipped'
