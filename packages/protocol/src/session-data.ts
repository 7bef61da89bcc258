import { bytesToHex } from '@fabstir/crypto'

/** RAG database the node should load for the session. */
export interface VectorDatabase {
  /** Path of the vector database manifest (non-empty). */
  manifestPath: string
  /** Address of the user who owns the database (non-empty). */
  userAddress: string
}

/**
 * The fields of the session-init plaintext, already validated (see {@link encodeSessionData}). Normally built
 * by `EncryptedSession.init()`; exported for tools and tests.
 */
export interface SessionDataInput {
  /**
   * The 32 random bytes that key all later traffic; written as lowercase hex. **Secret**: the encoded string
   * contains it, so treat the result like the key itself.
   */
  sessionKey: Uint8Array
  /** On-chain job id as a decimal string (the node rejects a JSON number). */
  jobId: string
  /** Model name (informational for the node). */
  modelName: string
  /** Price per token in the smallest unit (wei or 6-decimal USDC units); written as an exact JSON integer. */
  pricePerToken: number | bigint
  /** RAG database to load; omitted from the JSON when undefined. */
  vectorDatabase?: VectorDatabase | undefined
  /** Compressed public key hex for encrypted checkpoints; omitted from the JSON when undefined. */
  recoveryPublicKey?: string | undefined
}

/**
 * The session-init plaintext of PROTOCOL.md §4: camelCase JSON, `jobId` a decimal string, `pricePerToken` an exact
 * JSON integer (bigint values are written as bare integer literals, never rounded or quoted).
 * The returned text contains the session key: seal it, zero its bytes, and never log or persist it.
 */
export function encodeSessionData(input: SessionDataInput): string {
  const head = JSON.stringify({
    sessionKey: bytesToHex(input.sessionKey),
    jobId: input.jobId,
    modelName: input.modelName,
  })
  const tail: Record<string, unknown> = {}
  if (input.vectorDatabase) {
    tail.vectorDatabase = {
      manifestPath: input.vectorDatabase.manifestPath,
      userAddress: input.vectorDatabase.userAddress,
    }
  }
  if (input.recoveryPublicKey !== undefined) tail.recoveryPublicKey = input.recoveryPublicKey
  // The one value JSON.stringify cannot write: a bigint price, as its exact digits, in its place among the keys.
  const price = input.pricePerToken
  const rest = JSON.stringify(tail).slice(1, -1)
  return `${head.slice(0, -1)},"pricePerToken":${typeof price === 'bigint' ? price.toString() : JSON.stringify(price)}${rest === '' ? '' : `,${rest}`}}`
}
