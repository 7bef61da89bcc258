/**
 * What the protocol needs from a wallet: its address and a raw secp256k1 ECDSA signature over a 32-byte digest.
 *
 * The node verifies `sha256(ciphertext)` signatures by public-key recovery on the **raw digest** — no EIP-191
 * (`personal_sign`) prefix, no keccak. Wallets that can only sign prefixed messages cannot be used; adapters
 * reject them with `UNSUPPORTED_SIGNER` instead of producing a signature that recovers to a different address.
 */
export interface DigestSigner {
  /** The wallet's Ethereum address (any case). The node echoes the recovered address; it must match this one. */
  readonly address: `0x${string}`
  /**
   * Sign a 32-byte digest. Must resolve to 65 bytes `r(32) ‖ s(32) ‖ v(1)`, low-S, with v ∈ {0, 1}
   * (27/28 are normalised by the protocol layer).
   */
  signDigest(digest: Uint8Array): Promise<Uint8Array>
}
