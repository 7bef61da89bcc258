import {
  bytesToHex,
  deriveInitKey,
  generateEphemeralKey,
  hexToBytes,
  seal,
  sha256,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'
import { createNodeCore, type Logger, type NodeCore } from '@fabstir/node-sim'
import { createSession } from '@fabstir/protocol'
import { ERROR_CODES, parseJson } from '@fabstir/wire'
import fc from 'fast-check'
import { NODE_IDENTITY, SESSION_OPTIONS, testIdentity, testSigner } from '../../common/identities.js'
import { sessionKeyOfInit } from '../../common/key-capture.js'
import type { Corpus } from '../corpus.js'
import { type MutationLimits, mutatedTextArb } from '../mutations.js'
import type { Tally } from '../tally.js'
import type { FuzzTarget, PreparedTarget } from '../target.js'

/** Reply frame types the node may answer an (possibly retyped) init with synchronously. */
const ALLOWED_REPLIES = new Set(['session_init_ack', 'error', 'stream_end'])

/** A simulator core whose logger turns `error`-level lines (its internal-error safety net) into findings. */
function instrumentedCore(): { core: NodeCore; errors: string[] } {
  const errors: string[] = []
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, context) => errors.push(`${message} ${String(context?.error ?? '')}`.slice(0, 200)),
  }
  return {
    core: createNodeCore({ privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 1e9, logger }),
    errors,
  }
}

interface Replies {
  frames: { type?: unknown; code?: unknown; error?: unknown; status?: unknown; client_address?: unknown }[]
  texts: string[]
}

/** Feed one frame to a fresh connection and collect the replies sent synchronously (the greeting excluded). */
function feed(core: NodeCore, text: string): Replies {
  const texts: string[] = []
  const conn = core.openConnection((t) => texts.push(t))
  texts.length = 0
  try {
    conn.receive(text)
  } finally {
    conn.close()
  }
  return { texts, frames: texts.map((t) => JSON.parse(t) as Replies['frames'][number]) }
}

/** Judge the replies: typed error frames, an ack, or nothing — never an internal error. */
function judgeReplies(
  replies: Replies,
  errors: string[],
  errorsBefore: number,
  input: unknown,
  tally: Tally,
  opts: { onlyDecryptionFailed?: boolean; signerAddress?: string; secrets?: readonly string[] },
): void {
  if (errors.length > errorsBefore) {
    tally.find('internal', `node core logged an internal error: ${errors[errors.length - 1]}`, input)
    return
  }
  let code: string | undefined
  let acked = false
  for (const f of replies.frames) {
    if (typeof f?.type !== 'string' || !ALLOWED_REPLIES.has(f.type)) {
      tally.find('invariant', `node replied with a ${String(f?.type)} frame`, input)
      return
    }
    if (f.type === 'error') {
      const typed =
        (typeof f.code === 'string' && Object.hasOwn(ERROR_CODES, f.code)) ||
        (f.code === undefined && typeof f.error === 'string')
      if (!typed) {
        tally.find('untyped', 'node error frame without a known code or message', input)
        return
      }
      code ??= typeof f.code === 'string' ? f.code : 'NODE_ERROR(shape B)'
      if (opts.onlyDecryptionFailed && f.code !== 'DECRYPTION_FAILED') {
        tally.find('invariant', `session-data failure reported as ${String(f.code)}`, input)
        return
      }
    }
    if (f.type === 'session_init_ack') {
      acked = true
      if (f.status !== 'success') tally.find('invariant', 'ack without status success', input)
      if (opts.signerAddress !== undefined && f.client_address !== opts.signerAddress) {
        tally.find('invariant', 'ack echoes a different client address', input)
      }
    }
  }
  for (const s of opts.secrets ?? []) {
    if (replies.texts.some((t) => t.toLowerCase().includes(s))) {
      tally.find('invariant', 'a node reply contains a session key', input)
      return
    }
  }
  if (replies.frames.length === 0) tally.outcome('ignored')
  else if (code !== undefined) tally.outcome('rejected', code)
  else if (acked) tally.outcome('accepted')
  else tally.outcome('ignored')
}

/** Mutated real `encrypted_session_init` frames fed to a simulator core connection. */
export const nodeInitFrameTarget: FuzzTarget = {
  name: 'node-init-frame',
  description: 'node-sim core: mutated real encrypted_session_init frames (typed error frames or nothing)',
  weight: 0.006,
  ciRuns: 150,
  async prepare(corpus: Corpus, limits: MutationLimits): Promise<PreparedTarget<unknown>> {
    const { core, errors } = instrumentedCore()
    const { signer, identity } = testSigner('fuzz-init-client')
    const inits: unknown[] = []
    for (const extra of [{}, { pricePerToken: 18_446_744_073_709_551_615n, jobId: '18446744073709551615' }]) {
      const s = createSession({
        nodePublicKey: NODE_IDENTITY.publicKey,
        signer,
        ...SESSION_OPTIONS,
        ...extra,
      })
      inits.push(await s.init())
      s.close()
    }
    const secrets = inits
      .map((f) =>
        sessionKeyOfInit(
          (f as { payload: Parameters<typeof sessionKeyOfInit>[0] }).payload,
          NODE_IDENTITY.privateKeyHex,
        ),
      )
      .filter((k): k is string => k !== undefined)
    const donors = [...inits, ...corpus.clientFrames]
    const arbitrary = fc.oneof(
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...inits)
          .map((f) => JSON.stringify(f, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))),
      },
      { weight: 12, arbitrary: mutatedTextArb(inits, donors, limits) },
    )
    return {
      arbitrary,
      check(input: unknown, tally: Tally): void {
        const before = errors.length
        let replies: Replies
        try {
          replies = feed(core, input as string)
        } catch (e) {
          tally.find(
            'uncaught',
            `node connection threw: ${e instanceof Error ? e.message : String(e)}`,
            input,
          )
          return
        }
        judgeReplies(replies, errors, before, input, tally, { secrets })
        if (
          inits.some((f) => JSON.stringify(f) === input) &&
          replies.frames[0]?.client_address !== identity.address
        ) {
          tally.find('invariant', 'an unmodified real init was not acknowledged for its signer', input)
        }
      },
    }
  },
}

/** Session-data plaintexts (mutated, random) sealed and signed correctly, fed to a simulator core. */
export const nodeSessionDataTarget: FuzzTarget = {
  name: 'node-session-data',
  description:
    'node-sim core: correctly sealed and signed inits around mutated session data (ack or DECRYPTION_FAILED)',
  weight: 0.004,
  ciRuns: 100,
  async prepare(corpus: Corpus, limits: MutationLimits): Promise<PreparedTarget<unknown>> {
    const { core, errors } = instrumentedCore()
    const client = testIdentity('fuzz-session-data-client')
    const clientKey = hexToBytes(client.privateKeyHex)
    const eph = generateEphemeralKey()
    const initKey = deriveInitKey(eph.privateKey, NODE_IDENTITY.publicKey)
    const ephPubHex = bytesToHex(eph.publicKey)
    const aadHex = bytesToHex(utf8ToBytes('session_init'))
    const values = corpus.sessionData.map((t) => parseJson(t))
    const arbitrary = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...corpus.sessionData) },
      { weight: 8, arbitrary: mutatedTextArb(values, values, limits) },
      { weight: 1, arbitrary: fc.json() },
      { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
    )
    let n = 0
    return {
      arbitrary,
      check(input: unknown, tally: Tally): void {
        const sealed = seal(initKey, input as string, 'session_init')
        const signature = signDigest(clientKey, sha256(sealed.ciphertext))
        const frame = JSON.stringify({
          type: 'encrypted_session_init',
          id: `sd-${n}`,
          session_id: `fuzz-session-data-${n++}`,
          chain_id: 84532,
          payload: {
            ephPubHex,
            ciphertextHex: bytesToHex(sealed.ciphertext),
            signatureHex: bytesToHex(signature),
            nonceHex: bytesToHex(sealed.nonce),
            aadHex,
          },
        })
        const before = errors.length
        let replies: Replies
        try {
          replies = feed(core, frame)
        } catch (e) {
          tally.find(
            'uncaught',
            `node connection threw: ${e instanceof Error ? e.message : String(e)}`,
            input,
          )
          return
        }
        if (replies.frames.length !== 1) {
          tally.find('invariant', `expected exactly one reply, got ${replies.frames.length}`, input)
          return
        }
        judgeReplies(replies, errors, before, input, tally, {
          onlyDecryptionFailed: true,
          signerAddress: client.address,
        })
        if (corpus.sessionData.includes(input as string) && replies.frames[0]?.type !== 'session_init_ack') {
          tally.find('invariant', 'real session data was rejected', input)
        }
      },
    }
  },
}
