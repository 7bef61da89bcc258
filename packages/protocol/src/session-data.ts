import { bytesToHex } from '@fabstir/crypto'
import { stringifyJson } from '@fabstir/wire'

/** RAG database the node should load for the session. */
export interface VectorDatabase {
  manifestPath: string
  userAddress: string
}

export interface SessionDataInput {
  sessionKey: Uint8Array
  jobId: string
  modelName: string
  pricePerToken: number | bigint
  vectorDatabase?: VectorDatabase | undefined
  recoveryPublicKey?: string | undefined
}

/**
 * The session-init plaintext of PROTOCOL.md §4: camelCase JSON, `jobId` a decimal string, `pricePerToken` an exact
 * JSON integer (bigint values are written as bare integer literals, never rounded or quoted).
 */
export function encodeSessionData(input: SessionDataInput): string {
  const data: Record<string, unknown> = {
    sessionKey: bytesToHex(input.sessionKey),
    jobId: input.jobId,
    modelName: input.modelName,
    pricePerToken: input.pricePerToken,
  }
  if (input.vectorDatabase) {
    data.vectorDatabase = {
      manifestPath: input.vectorDatabase.manifestPath,
      userAddress: input.vectorDatabase.userAddress,
    }
  }
  if (input.recoveryPublicKey !== undefined) data.recoveryPublicKey = input.recoveryPublicKey
  return stringifyJson(data)
}
