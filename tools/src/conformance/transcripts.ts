import {
  bytesToHex,
  deriveInitKey,
  getPublicKey,
  hexToBytes,
  open,
  publicKeyToAddress,
  signDigest,
} from '@fabstir/crypto'
import { createNodeCore, type Faults, type NodeConnection } from '@fabstir/node-sim'
import {
  createPlaintextSession,
  createSession,
  type DigestSigner,
  type EncryptedSession,
  type PlaintextSession,
  type ProtocolEvent,
} from '@fabstir/protocol'
import { stringifyJson } from '@fabstir/wire'
import { labelledKey, type RandomDraw, withDeterministicRandom } from './deterministic-random.js'

/** Fixed identities of every transcript. */
const NODE_KEY = labelledKey('transcripts/node')
const OTHER_NODE_KEY = labelledKey('transcripts/other-node')
const WALLET_KEY = labelledKey('transcripts/wallet')
const FIXED_NOW = 1_767_225_600_000 // 2026-01-01T00:00:00Z: the simulator's clock never moves in transcripts

const signer: DigestSigner = {
  address: publicKeyToAddress(getPublicKey(WALLET_KEY, false)),
  signDigest: async (digest) => signDigest(WALLET_KEY, digest),
}

type Direction = 'client→node' | 'node→client'

/** One frame on the socket, exactly as sent, with what it decrypts to under the keys of the transcript. */
interface TranscriptFrame {
  dir: Direction
  text: string
  /** For sealed payloads: the AAD label the receiver must expect, and the plaintext, or why it does not open. */
  sealed?: { key: 'initKey' | 'sessionKey'; aad: string; plaintext?: string; opens: boolean }
}

/** What the SDK reported to its user, in order (the verdict another client implementation must match). */
type ClientVerdict =
  | { event: 'ready'; clientAddress?: string }
  | { event: 'chunk'; index: number; text: string; final: boolean }
  | { event: 'response'; finishReason: string }
  | { event: 'end'; reason: string; tokensUsed: number; finishReason?: string }
  | { event: 'error'; code: string }
  | { event: 'transport-closed' }

interface Scenario {
  name: string
  description: string
  encryption?: boolean
  faults?: Faults
  contextWindowSize?: number
  /** Seal the init to this node key instead of the real one. */
  initToKey?: Uint8Array
  prompts: string[]
  /** Restart the node (dropping its keys) before prompt `k`. */
  restartBeforePrompt?: number
  /** Send `stream_cancel` when the first chunk of prompt `k` arrives. */
  cancelPrompt?: number
}

const SCENARIOS: Scenario[] = [
  {
    name: 'chat-happy-path',
    description:
      'Encrypted init, two prompts. Chunk AADs restart at chunk_0 for the second prompt; the request AAD counts on.',
    prompts: ['What is 2+2?', 'And 3+3?'],
  },
  {
    name: 'plaintext-happy-path',
    description:
      'The deprecated plaintext protocol (PROTOCOL.md §10): session_init, prompt, stream_chunk…, stream_end.',
    encryption: false,
    prompts: ['What is 2+2?'],
  },
  {
    name: 'encryption-not-supported',
    description: 'A node without a key answers an encrypted init with ENCRYPTION_NOT_SUPPORTED.',
    encryption: false,
    initToKey: NODE_KEY,
    prompts: [],
  },
  {
    name: 'tampered-chunk',
    description: 'Chunk 1 has one ciphertext byte flipped: it must not be delivered.',
    faults: { tamperChunk: 1 },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'wrong-aad-chunk',
    description:
      'Chunk 1 is sealed under chunk_2 while labelled index 1: opening with the expected AAD fails.',
    faults: { wrongAadChunk: 1 },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'replayed-chunk',
    description: 'Chunk 1 arrives twice.',
    faults: { replayChunk: 1 },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'dropped-chunk',
    description: 'Chunk 1 never arrives; chunk 2 follows chunk 0.',
    faults: { dropChunk: 1 },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'reordered-chunks',
    description: 'Chunks 1 and 2 are swapped.',
    faults: { reorderChunks: [1, 2] },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'forged-stream-end',
    description:
      'A plaintext stream_end right after chunk 0 and no encrypted_response: the answer is truncated.',
    faults: { forgeStreamEnd: true },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'wrong-client-address',
    description: 'The ack echoes an address that is not the signer: the session must not be used.',
    faults: { wrongClientAddress: '0x000000000000000000000000000000000000dead' },
    prompts: [],
  },
  {
    name: 'node-encryption-failure',
    description: 'The node fails to seal chunk 1: ENCRYPTION_FAILED, then stream_end reason error.',
    faults: { encryptionFailureAtChunk: 1 },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'close-mid-stream',
    description: 'The node closes the connection right after chunk 1.',
    faults: { closeMidStream: 1 },
    prompts: ['What is 2+2?'],
  },
  {
    name: 'init-sealed-to-wrong-key',
    description: 'The client seals its session data to a key that is not the node key: DECRYPTION_FAILED.',
    initToKey: OTHER_NODE_KEY,
    prompts: [],
  },
  {
    name: 'session-key-not-found',
    description: 'The node restarted after the init: the prompt is answered with SESSION_KEY_NOT_FOUND.',
    prompts: ['What is 2+2?'],
    restartBeforePrompt: 0,
  },
  {
    name: 'cancel-mid-stream',
    description:
      'stream_cancel after the first chunk: stream_end cancelled, no final chunk, no encrypted_response.',
    prompts: ['Count from one to twenty please, slowly and with words.'],
    cancelPrompt: 0,
  },
  {
    name: 'token-limit-exceeded',
    description: 'The prompt exceeds the context window: TOKEN_LIMIT_EXCEEDED, then stream_end reason error.',
    contextWindowSize: 8,
    prompts: ['one two three four five six seven eight nine ten eleven twelve thirteen fourteen'],
  },
]

function verdict(e: ProtocolEvent): ClientVerdict {
  switch (e.type) {
    case 'ready':
      return e.clientAddress ? { event: 'ready', clientAddress: e.clientAddress } : { event: 'ready' }
    case 'chunk':
      return { event: 'chunk', index: e.index, text: e.text, final: e.final }
    case 'response':
      return { event: 'response', finishReason: e.finishReason }
    case 'end': {
      const v: ClientVerdict = { event: 'end', reason: e.reason, tokensUsed: e.tokensUsed }
      if (e.finishReason !== undefined) v.finishReason = e.finishReason
      return v
    }
    case 'error':
      return { event: 'error', code: e.error.code }
    default:
      return { event: 'ready' }
  }
}

async function drive(
  s: Scenario,
): Promise<{ frames: { dir: Direction; text: string }[]; verdicts: ClientVerdict[] }> {
  const frames: { dir: Direction; text: string }[] = []
  const verdicts: ClientVerdict[] = []
  const core = createNodeCore({
    privateKey: NODE_KEY,
    encryption: s.encryption ?? true,
    chunkDelayMs: s.cancelPrompt !== undefined ? 1 : 0,
    now: () => FIXED_NOW,
    sleep: () => new Promise((resolve) => setImmediate(resolve)),
    ...(s.faults ? { faults: s.faults } : {}),
    ...(s.contextWindowSize ? { contextWindowSize: s.contextWindowSize } : {}),
  })
  const useEncryption = s.encryption !== false || s.initToKey !== undefined
  const nodeKeyForInit = s.initToKey ?? NODE_KEY
  const session: EncryptedSession | PlaintextSession = useEncryption
    ? createSession({
        nodePublicKey: getPublicKey(nodeKeyForInit, true),
        signer,
        jobId: '42',
        modelName: 'conformance-model',
        pricePerToken: 2272727273n,
        sessionId: `conformance-${s.name}`,
      })
    : createPlaintextSession({ jobId: '42', sessionId: `conformance-${s.name}` })
  let onChunk: (() => void) | undefined
  let connection: NodeConnection | undefined
  const send = (frame: object) => {
    const text = stringifyJson(frame)
    frames.push({ dir: 'client→node', text })
    connection?.receive(text)
  }
  connection = core.openConnection(
    (text) => {
      frames.push({ dir: 'node→client', text })
      for (const e of session.receive(text)) {
        if (e.type === 'connected') continue
        verdicts.push(verdict(e))
        if (e.type === 'chunk' && onChunk) {
          const hook = onChunk
          onChunk = undefined
          hook()
        }
      }
    },
    () => {
      verdicts.push({ event: 'transport-closed' })
    },
  )
  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      await connection?.idle
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  send(await session.init({ id: 'init-1' }))
  await settle()
  if (session.state !== 'ready') return { frames, verdicts }
  for (const [k, prompt] of s.prompts.entries()) {
    if (s.restartBeforePrompt === k) core.restart()
    if (s.cancelPrompt === k)
      onChunk = () => {
        const cancel = session.cancel()
        if (cancel) send(cancel)
      }
    send(session.prompt(prompt, { id: `prompt-${k + 1}` }))
    await settle()
    if (session.state !== 'ready') break
  }
  return { frames, verdicts }
}

/** Decrypt every sealed payload of a transcript with the keys its randomness produced. */
function annotate(
  frames: { dir: Direction; text: string }[],
  draws: RandomDraw[],
  initNodeKey: Uint8Array,
): { frames: TranscriptFrame[]; keys: Record<string, string> } {
  const keys: Record<string, string> = {}
  let sessionKey: Uint8Array | undefined
  const out: TranscriptFrame[] = []
  for (const f of frames) {
    const frame = JSON.parse(f.text) as { type: string; payload?: Record<string, string> }
    const p = frame.payload
    const entry: TranscriptFrame = { dir: f.dir, text: f.text }
    if (p && typeof p.ciphertextHex === 'string' && typeof p.nonceHex === 'string') {
      if (frame.type === 'encrypted_session_init') {
        const eph = draws
          .map((d) => d.bytes)
          .find((b) => b.length === 32 && bytesToHex(safePublicKey(b)) === p.ephPubHex)
        if (!eph) throw new Error('ephemeral key not found among the random draws')
        keys.ephemeralPrivateKeyHex = bytesToHex(eph)
        const initKey = deriveInitKey(eph, getPublicKey(initNodeKey, true))
        keys.initKeyHex = bytesToHex(initKey)
        const plaintext = new TextDecoder().decode(
          open(initKey, hexToBytes(p.nonceHex), hexToBytes(p.ciphertextHex), 'session_init'),
        )
        const data = JSON.parse(plaintext) as { sessionKey: string }
        sessionKey = hexToBytes(data.sessionKey)
        keys.sessionKeyHex = data.sessionKey
        entry.sealed = { key: 'initKey', aad: 'session_init', plaintext, opens: true }
      } else if (sessionKey) {
        const aad = expectedAad(frame.type, p, out)
        try {
          const plaintext = new TextDecoder('utf-8', { fatal: true }).decode(
            open(sessionKey, hexToBytes(p.nonceHex), hexToBytes(p.ciphertextHex), aad),
          )
          entry.sealed = { key: 'sessionKey', aad, plaintext, opens: true }
        } catch {
          entry.sealed = { key: 'sessionKey', aad, opens: false }
        }
      }
    }
    out.push(entry)
  }
  return { frames: out, keys }
}

function safePublicKey(b: Uint8Array): Uint8Array {
  try {
    return getPublicKey(b, true)
  } catch {
    return new Uint8Array(0)
  }
}

/** The AAD a receiver must expect: the frame's own label for requests (the node does not check it), by position for chunks. */
function expectedAad(type: string, p: Record<string, string>, earlier: TranscriptFrame[]): string {
  if (type === 'encrypted_message') return new TextDecoder().decode(hexToBytes(p.aadHex ?? ''))
  if (type === 'encrypted_response') return 'encrypted_response_final'
  // encrypted_chunk: count the chunks since the last prompt.
  let count = 0
  for (let i = earlier.length - 1; i >= 0; i--) {
    const t = (JSON.parse(earlier[i]!.text) as { type: string }).type
    if (t === 'encrypted_message') break
    if (t === 'encrypted_chunk') count++
  }
  return `chunk_${count}`
}

/** Byte-exact transcripts of whole sessions (both directions) for the happy paths and every error path. */
export async function transcriptVectors(): Promise<unknown> {
  const transcripts = []
  for (const s of SCENARIOS) {
    const { result, draws } = await withDeterministicRandom(`transcripts/${s.name}`, () => drive(s))
    const { frames, keys } = annotate(result.frames, draws, s.initToKey ?? NODE_KEY)
    transcripts.push({
      name: s.name,
      description: s.description,
      ...(s.faults ? { nodeFaults: s.faults } : {}),
      keys,
      frames,
      clientVerdicts: result.verdicts,
    })
  }
  return {
    description:
      'Whole sessions, every frame in both directions byte-exact, produced by @fabstir/protocol against ' +
      '@fabstir/node-sim with a seeded random source. `sealed` gives the AAD the receiver must expect and the ' +
      'plaintext (or `opens: false` when the payload must be rejected). `clientVerdicts` is what a conforming ' +
      'client reports to its user, in order. Replay the client side with keys.ephemeralPrivateKeyHex, ' +
      'keys.sessionKeyHex and each frame nonce; replay the node side with node.privateKeyHex.',
    node: {
      privateKeyHex: bytesToHex(NODE_KEY),
      publicKeyHex: bytesToHex(getPublicKey(NODE_KEY, true)),
      address: publicKeyToAddress(getPublicKey(NODE_KEY, false)),
    },
    wallet: { privateKeyHex: bytesToHex(WALLET_KEY), address: signer.address },
    transcripts,
  }
}
