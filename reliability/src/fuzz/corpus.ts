import { bytesToHex, randomBytes } from '@fabstir/crypto'
import { createNodeCore, type NodeCoreOptions } from '@fabstir/node-sim'
import { createPlaintextSession, createSession, encodeSessionData } from '@fabstir/protocol'
import { parseJson } from '@fabstir/wire'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../common/identities.js'
import { SansIoLink } from '../common/sans-io-link.js'

/** Real frames and payloads, captured from the SDK talking to the simulator core. */
export interface Corpus {
  /** Texts of node → client frames, exactly as sent. */
  nodeTexts: string[]
  /** Their parsed values. */
  nodeFrames: unknown[]
  /** Texts of client → node frames, exactly as built by the SDK. */
  clientTexts: string[]
  clientFrames: unknown[]
  /** Session-data plaintexts (the JSON sealed inside `encrypted_session_init`). */
  sessionData: string[]
  /** Prompt request objects (the JSON sealed inside `encrypted_message`). */
  promptRequests: unknown[]
}

const CORE_BASE: NodeCoreOptions = { privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 1_000_000 }

function unique(texts: string[]): string[] {
  return [...new Set(texts)]
}

/**
 * Capture a corpus by running real exchanges between `@fabstir/protocol` sessions and a `@fabstir/node-sim` core:
 * every node frame type (acks, chunks, responses, complete/cancelled/length/error stream ends, every error code the
 * core produces, plaintext chunks) and every client frame type.
 */
export async function captureCorpus(): Promise<Corpus> {
  const { signer } = testSigner('corpus-client')
  const nodeTexts: string[] = []
  const clientTexts: string[] = []
  const record = (frame: object): object => {
    clientTexts.push(JSON.stringify(frame))
    return frame
  }

  // A full encrypted session: ack, answer, cancelled answer, length-limited answer.
  const core = createNodeCore(CORE_BASE)
  const link = new SansIoLink(core)
  nodeTexts.push(...link.take())
  const session = createSession({ nodePublicKey: NODE_IDENTITY.publicKey, signer, ...SESSION_OPTIONS })
  const ack = await link.exchange(record(await session.init()))
  nodeTexts.push(...ack)
  for (const f of ack) session.receive(f)
  for (const prompt of ['What is 2+2?', { prompt: 'Count to three', max_tokens: 2, temperature: 0.2 }]) {
    const answer = await link.exchange(record(session.prompt(prompt)))
    nodeTexts.push(...answer)
    for (const f of answer) session.receive(f)
  }
  link.send(record(session.prompt('A prompt that gets cancelled at once')))
  link.send(record(session.cancel() ?? { type: 'stream_cancel' }))
  await link.settle()
  nodeTexts.push(...link.take())

  // Node error replies to malformed client frames (one per code the core produces).
  const sid = session.sessionId
  const init = JSON.parse(clientTexts[0]!) as { payload: Record<string, string> }
  const malformed: object[] = [
    { type: 'encrypted_session_init', session_id: sid },
    { type: 'encrypted_session_init', session_id: sid, payload: { ...init.payload, nonceHex: undefined } },
    { type: 'encrypted_session_init', session_id: sid, payload: { ...init.payload, ephPubHex: 'zz' } },
    { type: 'encrypted_session_init', session_id: sid, payload: { ...init.payload, nonceHex: 'abcd' } },
    { type: 'encrypted_session_init', session_id: sid, payload: { ...init.payload, ciphertextHex: 'abcd' } },
    { type: 'encrypted_message', id: 'm1', session_id: 'no-such-session', payload: {} },
    { type: 'encrypted_message', id: 'm2', session_id: sid },
    { type: 'encrypted_message', id: 'm3', session_id: sid, payload: { nonceHex: '00' } },
    {
      type: 'encrypted_message',
      id: 'm4',
      session_id: sid,
      payload: { ciphertextHex: 'q', nonceHex: '00', aadHex: '' },
    },
    {
      type: 'encrypted_message',
      id: 'm5',
      session_id: sid,
      payload: { ciphertextHex: '00'.repeat(20), nonceHex: '00'.repeat(24), aadHex: '' },
    },
  ]
  for (const frame of malformed) nodeTexts.push(...(await link.exchange(frame)))
  const fresh = new SansIoLink(core)
  fresh.take()
  nodeTexts.push(...(await fresh.exchange({ type: 'encrypted_message', id: 'm6', payload: {} })))

  // Keyless node, token limit, rate limit, node encryption failure.
  const variants: NodeCoreOptions[] = [
    { encryption: false },
    { contextWindowSize: 3 },
    { rateLimitPerMinute: 1 },
    { faults: { encryptionFailureAtChunk: 1 } },
  ]
  for (const extra of variants) {
    const vcore = createNodeCore({ ...CORE_BASE, ...extra })
    const vlink = new SansIoLink(vcore)
    vlink.take()
    const s = createSession({ nodePublicKey: NODE_IDENTITY.publicKey, signer, ...SESSION_OPTIONS })
    const reply = await vlink.exchange(await s.init())
    nodeTexts.push(...reply)
    for (const f of reply) s.receive(f)
    if (s.state !== 'ready') continue
    for (const p of ['one two three four five', 'six seven eight nine ten']) {
      const answer = await vlink.exchange(s.prompt(p))
      nodeTexts.push(...answer)
      for (const f of answer) s.receive(f)
      if (s.state !== 'ready') break
    }
  }

  // The plaintext fallback.
  const pcore = createNodeCore(CORE_BASE)
  const plink = new SansIoLink(pcore)
  plink.take()
  const plain = createPlaintextSession({ jobId: SESSION_OPTIONS.jobId })
  const pack = await plink.exchange(record(await plain.init()))
  nodeTexts.push(...pack)
  for (const f of pack) plain.receive(f)
  const panswer = await plink.exchange(record(plain.prompt({ prompt: 'What is 2+2?', max_tokens: 10 })))
  nodeTexts.push(...panswer)

  const sessionData = [
    encodeSessionData({ sessionKey: randomBytes(32), ...SESSION_OPTIONS }),
    encodeSessionData({
      sessionKey: randomBytes(32),
      jobId: '18446744073709551615',
      modelName: 'llama-3',
      pricePerToken: 18_446_744_073_709_551_615n,
      vectorDatabase: { manifestPath: 'home/vector-databases/0xabc/db/manifest.json', userAddress: '0xabc' },
      recoveryPublicKey: `02${bytesToHex(randomBytes(32))}`,
    }),
  ]
  const promptRequests = [
    { prompt: 'What is 2+2?' },
    {
      prompt: 'Describe this image',
      model: 'tiny-vicuna',
      max_tokens: 4000,
      temperature: 0.7,
      thinking: 'low',
      web_search: true,
      max_searches: 3,
      search_queries: ['fabstir', 'xchacha20'],
      images: [{ data: 'aGVsbG8=', format: 'png' }],
    },
  ]
  const nodeUnique = unique(nodeTexts)
  const clientUnique = unique(clientTexts)
  return {
    nodeTexts: nodeUnique,
    nodeFrames: nodeUnique.map((t) => parseJson(t)),
    clientTexts: clientUnique,
    clientFrames: clientUnique.map((t) => parseJson(t)),
    sessionData,
    promptRequests,
  }
}
