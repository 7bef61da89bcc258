/**
 * A provider of the hot cryptographic primitives behind `seal`, `open`, `ecdhSharedX`, `deriveInitKey` and `sha256`.
 *
 * Every backend must produce exactly the same bytes as every other one: the front functions validate all inputs
 * (types, sizes, scalar range, curve membership) before calling a backend, so a backend only ever sees well-formed
 * arguments and never decides which error code a caller gets.
 */
export interface CryptoBackend {
  /** Short identifier, e.g. `noble` or `node`. */
  readonly name: string
  /**
   * XChaCha20-Poly1305 encryption: returns the encrypted bytes followed by the 16-byte tag.
   * `key` is 32 bytes, `nonce` 24 bytes. Must not modify its arguments.
   */
  xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array
  /**
   * XChaCha20-Poly1305 decryption of `sealed` (encrypted bytes ‖ 16-byte tag, at least 16 bytes long). Throws on
   * any authentication failure — the front turns every throw into `DECRYPTION_FAILED` — and must never return or
   * leave behind unauthenticated plaintext.
   */
  xchachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array
  /**
   * Raw secp256k1 ECDH: the 32-byte x-coordinate of `privateKey × publicKey`. `privateKey` is a valid 32-byte scalar
   * and `publicKey` a point already checked to lie on the curve, as 65-byte uncompressed SEC1 (33-byte compressed
   * must be accepted as well).
   */
  ecdhX(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array
  /** SHA-256 of `data`: 32 bytes. */
  sha256(data: Uint8Array): Uint8Array
  /**
   * Optional: whether the backend can run on this platform. `setCryptoBackend` refuses a backend that reports
   * `false` (`BACKEND_UNAVAILABLE`).
   */
  isAvailable?(): boolean
}

/** Names of the built-in backends accepted by `setCryptoBackend`. */
export type CryptoBackendName = 'noble' | 'node'

/** What a platform's default-backend module provides (selected through the package's `#default-backend` import). */
export interface DefaultBackendModule {
  /** The backend used until `setCryptoBackend` picks another one. */
  readonly defaultBackend: CryptoBackend
  /** The built-in backends usable on this platform, by name. */
  readonly builtinBackends: Readonly<Partial<Record<CryptoBackendName, CryptoBackend>>>
}
