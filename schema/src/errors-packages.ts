/**
 * The codes of the errors the SDK's packages throw outside a session: `@fabstir/crypto`, the wallet adapters,
 * `@fabstir/wire`'s JSON codec, the simulator and the conformance suite. Every one of these errors is a
 * `FabstirError` (its subclasses keep their names), so each code here has a retryability and a documented entry like
 * the protocol's codes of {@link ERROR_CODE_TABLE}. A code may also be a protocol code (`DECRYPTION_FAILED`): then it
 * keeps one retryability and one documentation entry, which lists every class that throws it.
 */

/** The name of an error class of the SDK (every one extends `FabstirError`). */
export type ErrorClassName = string

/** One code thrown by one package's error class. */
export interface PackageErrorRow {
  /** The stable code string. */
  code: string
  /** The class that carries it. */
  errorClass: ErrorClassName
  /** The package that throws it. */
  package: string
  /** What the code means when this class carries it. */
  description: string
  /** What the caller should do. */
  action: string
  /** True when repeating the operation (after `action`) can succeed. */
  retryable: boolean
  /** True for the tools' own control flow (simulator, conformance suite): never thrown at an SDK user. */
  internal?: boolean
}

const crypto = (code: string, description: string, action: string, retryable = false): PackageErrorRow => ({
  code,
  errorClass: 'CryptoError',
  package: '@fabstir/crypto',
  description,
  action,
  retryable,
})

const signer = (code: string, description: string, action: string, retryable = false): PackageErrorRow => ({
  code,
  errorClass: 'SignerError',
  package: '@fabstir/signer-viem, @fabstir/signer-ethers (`@fabstir/protocol` signer kit)',
  description,
  action,
  retryable,
})

const tool = (
  errorClass: ErrorClassName,
  pkg: string,
  code: string,
  description: string,
  action: string,
  internal = false,
): PackageErrorRow => ({
  code,
  errorClass,
  package: pkg,
  description,
  action,
  retryable: false,
  ...(internal ? { internal } : {}),
})

const SIM = '@fabstir/node-sim'
const CONF = '@fabstir/conformance'

/** Every package error code, grouped by class. */
export const PACKAGE_ERROR_ROWS: readonly PackageErrorRow[] = [
  crypto(
    'INVALID_INPUT',
    'An argument has the wrong type (not a Uint8Array or string), bytes are not UTF-8, or a backend name is unknown.',
    'Fix the call: the message names the argument and the expected type.',
  ),
  crypto(
    'INVALID_HEX',
    'A hex string has an odd length, a non-hex character or the wrong size for its field.',
    'Pass lowercase or uppercase hex, optionally `0x`-prefixed, of the documented size.',
  ),
  crypto(
    'INVALID_KEY',
    'A private key or symmetric key has the wrong length or is not a valid secp256k1 scalar.',
    'Pass a 32-byte key; never derive one from a password without a KDF.',
  ),
  crypto(
    'INVALID_PUBLIC_KEY',
    'A public key is not a valid secp256k1 point (33 bytes compressed or 65 uncompressed).',
    "Re-read the node's public key from a trusted source; it was mistyped or truncated.",
  ),
  crypto(
    'INVALID_NONCE_SIZE',
    'An XChaCha20-Poly1305 nonce is not 24 bytes.',
    'Use the nonce the SDK generates (`seal`); do not build nonces by hand.',
  ),
  crypto(
    'INVALID_DIGEST',
    'A digest to sign or recover from is not 32 bytes.',
    'Pass the 32-byte sha256 digest itself, not the message.',
  ),
  crypto(
    'INVALID_SIGNATURE',
    'A signature is not 65 bytes r‖s‖v, has r or s out of range, or no public key can be recovered from it.',
    'Check that the wallet returns a raw recoverable secp256k1 signature (no EIP-191 prefix).',
  ),
  crypto(
    'DECRYPTION_FAILED',
    '`open` could not authenticate a ciphertext: wrong key, wrong AAD, or the ciphertext was altered.',
    'Treat the data as forged; inside a session the SDK fails the session and zeroes its keys.',
  ),
  crypto(
    'RANDOM_UNAVAILABLE',
    'The platform has no cryptographically secure random source (`crypto.getRandomValues`).',
    'Run on a platform with Web Crypto (Node ≥ 20, any current browser); never polyfill it with Math.random.',
  ),
  crypto(
    'BACKEND_UNAVAILABLE',
    'The requested crypto backend (`node`) does not exist on this platform.',
    'Use the default `noble` backend outside Node.',
  ),
  signer(
    'UNSUPPORTED_SIGNER',
    'The wallet cannot produce raw digest signatures (JSON-RPC or browser wallets, smart accounts, void signers).',
    'Use a local account or wallet holding a dedicated session key.',
  ),
  signer(
    'INVALID_SIGNER',
    'The value passed is not a supported account, wallet or signing key, or has no usable address or public key.',
    'Pass a viem local account or an ethers Wallet / SigningKey.',
  ),
  signer(
    'INVALID_PRIVATE_KEY',
    'A private key given to an adapter is not a valid secp256k1 secret key.',
    'Pass a 32-byte hex key (0x-prefixed) in range 1 … n−1.',
  ),
  signer(
    'INVALID_DIGEST',
    'The digest to sign is not a 32-byte `Uint8Array`.',
    'Pass the 32-byte digest the SDK hands to `signDigest`.',
  ),
  signer(
    'SIGNING_FAILED',
    "The wallet's signing call threw or rejected (locked wallet, user refusal, hardware disconnect); the cause is attached.",
    'Unlock or reconnect the wallet and try again.',
    true,
  ),
  signer(
    'INVALID_SIGNATURE',
    'The wallet returned something that is not a 65-byte, low-S, recoverable r‖s‖v signature.',
    'Use a wallet that signs raw digests; the adapter cannot repair the signature.',
  ),
  signer(
    'SIGNER_MISMATCH',
    "The signature (or the wallet's key) does not match the wallet's address.",
    'Check the account: it signs with another key than its address claims. Retrying signs with the same wrong key.',
  ),
  {
    code: 'INVALID_JSON',
    errorClass: 'WireJsonError, JsonSyntaxError (simulator)',
    package: '@fabstir/wire, @fabstir/node-sim',
    description:
      '`parseJson` met malformed JSON (carries `position`), or `stringifyJson` a value JSON cannot represent.',
    action: 'Inside a session this surfaces as `INVALID_FRAME`; otherwise fix the text or value.',
    retryable: false,
  },
  {
    code: 'JSON_LIMIT_EXCEEDED',
    errorClass: 'WireJsonError',
    package: '@fabstir/wire',
    description: 'The JSON text nests deeper than 128 levels or holds more than 2^20 values.',
    action: 'Inside a session this surfaces as `INVALID_FRAME`; pass larger `limits` only for trusted text.',
    retryable: false,
  },
  tool(
    'NodeSimError',
    SIM,
    'INVALID_OPTION',
    'A simulator option is invalid; `context` names it.',
    'Fix the option.',
  ),
  tool(
    'NodeSimError',
    SIM,
    'INVALID_FAULTS',
    'The fault-injection settings are invalid or contradictory.',
    'Fix the faults (see the simulator README).',
  ),
  tool(
    'NodeSimError',
    SIM,
    'SERVER_START_FAILED',
    'The simulator could not listen (port in use, address not available).',
    'Pick another port (0 = any free one) or host.',
  ),
  tool(
    'NodeSimError',
    SIM,
    'INVALID_INPUT',
    'A simulator function got a malformed argument (a custom responder yielded a non-string chunk, pixel data of the wrong size).',
    'Fix the responder or the call; the message names the argument.',
  ),
  tool(
    'UpstreamError',
    SIM,
    'UPSTREAM_FAILED',
    'The upstream model of `--upstream` failed after it started answering (an event that is not JSON, an `error` event, an event over 64 MiB).',
    'None: internal; the client sees the stream end as on a node whose engine failed mid-answer.',
    true,
  ),
  tool(
    'CliUsageError, UsageError',
    `${SIM}, ${CONF}`,
    'INVALID_ARGUMENTS',
    'A command-line argument of `fabstir-node-sim` or `fabstir-conformance` is unknown or malformed (exit status 2).',
    'Run the command with `--help` and fix the arguments.',
  ),
  tool(
    'SessionDataError',
    SIM,
    'INVALID_SESSION_DATA',
    "The simulator could not deserialize a decrypted session init (the node's serde rules); the node reports it as DECRYPTION_FAILED.",
    'None: internal to the simulator, sent to the client as the node would.',
    true,
  ),
  tool(
    'InitDecryptionError',
    SIM,
    'DECRYPTION_FAILED',
    'The simulator could not open or verify a session init; it answers with the error frame DECRYPTION_FAILED as the node does.',
    'None: internal to the simulator.',
    true,
  ),
  tool(
    'ResponderStartError',
    SIM,
    'RESPONDER_START_FAILED',
    'A simulator responder could not start generating (the upstream model is unreachable or refused).',
    'None: internal; the client receives the shape B error `Internal error: Streaming inference failed: …`.',
    true,
  ),
  tool(
    'TargetError',
    CONF,
    'TARGET_UNAVAILABLE',
    'The node under test could not be reached or refused the suite before any case ran (wrong key, wrong URL).',
    'Check the URL, the node public key and that the node is running.',
  ),
  tool(
    'CaseFailure',
    CONF,
    'CASE_FAILED',
    'A conformance case saw the node (or client) do something other than what the protocol requires.',
    'None: internal; reported as a failed case with the expected and the received frames.',
    true,
  ),
  tool(
    'NotServed',
    CONF,
    'NOT_SERVED',
    'The node does not serve the flow a conformance case needs.',
    'None: internal; reported as "not served", not as a failure.',
    true,
  ),
  tool(
    'Inconclusive',
    CONF,
    'INCONCLUSIVE',
    'A conformance case could not reach the state it tests (e.g. the answer ended before a cancel landed).',
    'None: internal; reported as inconclusive. Run the case again.',
    true,
  ),
  tool(
    'ScriptAbort',
    CONF,
    'SCRIPT_ABORTED',
    'A client-mode conformance script stopped because the client did something it cannot continue from.',
    'None: internal; reported as a failed case.',
    true,
  ),
]
