import {
  bytesToHex,
  deriveInitKey,
  ecdhSharedX,
  getPublicKey,
  hkdfSha256,
  publicKeyToAddress,
  recoverAddress,
  sealWithNonce,
  sha256,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'
import { encodeSessionData } from '@fabstir/protocol'
import { labelledKey } from './deterministic-random.js'

/** Inputs of one crypto-step vector. */
interface StepInput {
  name: string
  description: string
  jobId: string
  modelName: string
  pricePerToken: bigint
  chainId: number
  /** Send the ephemeral key uncompressed (65 bytes) instead of compressed. */
  uncompressedEphemeral?: boolean
  prompt: string
  chunks: string[]
}

const INPUTS: StepInput[] = [
  {
    name: 'base-sepolia-native',
    description:
      'Native-token price at the bottom of the node range, compressed ephemeral key, three chunks.',
    jobId: '15',
    modelName: 'tinyllama',
    pricePerToken: 2272727273n,
    chainId: 84532,
    prompt: 'What is 2+2?',
    chunks: ['2 + 2', ' = 4', ''],
  },
  {
    name: 'u64-price-above-2^53',
    description:
      'pricePerToken above 2^53 written as an exact JSON integer literal (never rounded or quoted).',
    jobId: '18446744073709551615',
    modelName: 'llama-3.1-8b',
    pricePerToken: 22727272727273n * 1000n + 7n,
    chainId: 84532,
    prompt: 'Tell me a haiku about keys.',
    chunks: ['Keys', ' in', ' memory', ''],
  },
  {
    name: 'opbnb-usdc-uncompressed-ephemeral',
    description:
      'USDC-unit price on opBNB, the ephemeral key sent as 65-byte uncompressed SEC1 (the node accepts both).',
    jobId: '7',
    modelName: 'qwen',
    pricePerToken: 10n,
    chainId: 5611,
    uncompressedEphemeral: true,
    prompt: '{"prompt":"Hi","max_tokens":16}',
    chunks: ['Hello', ''],
  },
  {
    name: 'unicode-prompt',
    description: 'Non-ASCII prompt and answer text: AEAD input is the UTF-8 encoding.',
    jobId: '123456789',
    modelName: 'mistral',
    pricePerToken: 100000n,
    chainId: 84532,
    prompt: 'Grüße — 你好 — 🔒',
    chunks: ['Hallo', ' 👋', ''],
  },
]

const hex = bytesToHex
const ascii = (s: string) => hex(utf8ToBytes(s))

/** Every intermediate value of a session init, a prompt and its answer, from fixed keys and nonces. */
export function cryptoStepVectors(): unknown {
  const cases = INPUTS.map((input, i) => {
    const nodePrivateKey = labelledKey(`crypto-steps/${i}/node`)
    const walletPrivateKey = labelledKey(`crypto-steps/${i}/wallet`)
    const ephemeralPrivateKey = labelledKey(`crypto-steps/${i}/ephemeral`)
    const sessionKey = labelledKey(`crypto-steps/${i}/session-key`)
    const nonce = (label: string) => labelledKey(`crypto-steps/${i}/nonce/${label}`).subarray(0, 24)
    const nodePublicKey = getPublicKey(nodePrivateKey, true)
    const ephemeralPublicKey = getPublicKey(ephemeralPrivateKey, !input.uncompressedEphemeral)
    const sharedX = ecdhSharedX(ephemeralPrivateKey, nodePublicKey)
    const initKey = hkdfSha256(sharedX, undefined, undefined, 32)
    const initKeyCheck = deriveInitKey(ephemeralPrivateKey, nodePublicKey)
    if (hex(initKey) !== hex(initKeyCheck)) throw new Error('hkdf and deriveInitKey disagree')
    const sessionData = encodeSessionData({
      sessionKey,
      jobId: input.jobId,
      modelName: input.modelName,
      pricePerToken: input.pricePerToken,
    })
    const initNonce = nonce('init')
    const initCiphertext = sealWithNonce(initKey, initNonce, sessionData, 'session_init')
    const digest = sha256(initCiphertext)
    const signature = signDigest(walletPrivateKey, digest)
    const walletAddress = publicKeyToAddress(getPublicKey(walletPrivateKey, false))
    const recovered = recoverAddress(digest, signature)
    if (recovered !== walletAddress) throw new Error('signature does not recover to the wallet')
    const promptNonce = nonce('message_0')
    const promptCiphertext = sealWithNonce(sessionKey, promptNonce, input.prompt, 'message_0')
    const chunks = input.chunks.map((text, index) => {
      const n = nonce(`chunk_${index}`)
      return {
        index,
        aad: `chunk_${index}`,
        aadHex: ascii(`chunk_${index}`),
        plaintext: text,
        nonceHex: hex(n),
        ciphertextHex: hex(sealWithNonce(sessionKey, n, text, `chunk_${index}`)),
      }
    })
    const finalNonce = nonce('final')
    return {
      name: input.name,
      description: input.description,
      keys: {
        nodePrivateKeyHex: hex(nodePrivateKey),
        nodePublicKeyHex: hex(nodePublicKey),
        nodeAddress: publicKeyToAddress(nodePublicKey),
        walletPrivateKeyHex: hex(walletPrivateKey),
        walletAddress,
      },
      init: {
        ephemeralPrivateKeyHex: hex(ephemeralPrivateKey),
        ephPubHex: hex(ephemeralPublicKey),
        sharedSecretXHex: hex(sharedX),
        hkdf: { ikm: 'sharedSecretX', saltHex: '', infoHex: '', length: 32 },
        initKeyHex: hex(initKey),
        sessionKeyHex: hex(sessionKey),
        sessionDataJson: sessionData,
        chainId: input.chainId,
        aad: 'session_init',
        aadHex: ascii('session_init'),
        nonceHex: hex(initNonce),
        ciphertextHex: hex(initCiphertext),
        digestHex: hex(digest),
        digestRule: 'sha256(ciphertext ‖ tag), raw — no EIP-191 prefix, no keccak',
        signatureHex: hex(signature),
        signatureRule: 'r(32) ‖ s(32, low-S) ‖ v(1) with v ∈ {0,1}; RFC 6979 deterministic k',
        recoveredAddress: recovered,
      },
      prompt: {
        aad: 'message_0',
        aadHex: ascii('message_0'),
        plaintext: input.prompt,
        nonceHex: hex(promptNonce),
        ciphertextHex: hex(promptCiphertext),
      },
      answer: {
        chunks,
        final: {
          aad: 'encrypted_response_final',
          aadHex: ascii('encrypted_response_final'),
          plaintext: 'stop',
          nonceHex: hex(finalNonce),
          ciphertextHex: hex(sealWithNonce(sessionKey, finalNonce, 'stop', 'encrypted_response_final')),
        },
      },
    }
  })
  return {
    description:
      'Every intermediate value of the Fabstir session-init and message crypto (PROTOCOL.md §2–§6), from fixed ' +
      'keys and nonces. All hex is lowercase without 0x. Keys are sha256("fabstir-conformance/<label>").',
    algorithms: {
      ecdh: 'secp256k1; shared secret = 32-byte x-coordinate of ephPriv × nodePub',
      kdf: 'HKDF-SHA256(ikm = shared x, salt = none (32 zero bytes), info = empty, L = 32)',
      aead: 'XChaCha20-Poly1305, 24-byte nonce, ciphertext = encrypted ‖ 16-byte tag',
      address: '0x + last 20 bytes of keccak256(uncompressed public key without the 0x04 byte)',
    },
    cases,
  }
}
