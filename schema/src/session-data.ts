import { Type } from '@sinclair/typebox'
import { EX } from './examples.js'
import { Hex, named, Pattern, U64 } from './keywords.js'

/** RAG vector database the node should load for the session. */
export const VectorDatabase = named(
  'VectorDatabase',
  Type.Object(
    {
      manifestPath: Type.String({ description: 'Path of the vector database manifest.' }),
      userAddress: Type.String({ description: 'Address of the user who owns the database.' }),
    },
    {
      description: 'RAG vector database to load for this session.',
      examples: [
        { manifestPath: 'home/vector-databases/0xabc/docs/manifest.json', userAddress: EX.clientAddress },
      ],
    },
  ),
)

/**
 * The decrypted session data: the UTF-8 JSON plaintext of `encrypted_session_init`. camelCase; the node ignores
 * unknown keys.
 */
export const SessionData = named(
  'SessionData',
  Type.Object(
    {
      sessionKey: Hex(
        'The random 32-byte session key, hex (optional 0x). Seals all later traffic, both ways.',
        {
          sizes: [32],
        },
      ),
      jobId: Pattern(
        'On-chain job id as a decimal string (a JSON number is rejected).',
        '^[0-9]+$',
        'a decimal string (digits only)',
        { minLength: 1, maxLength: 20 },
      ),
      modelName: Type.String({ description: 'Model name (required, informational).' }),
      pricePerToken: U64(
        'Price per token in the smallest unit (wei, or 6-decimal USDC units) as an exact JSON integer (u64). ' +
          'Values above 2^53 − 1 are bigint in JS and are written as exact integer literals, never rounded. A ' +
          'string, float or negative is rejected.',
      ),
      vectorDatabase: Type.Optional(VectorDatabase),
      recoveryPublicKey: Type.Optional(
        Hex('Compressed secp256k1 public key (hex) used for encrypted checkpoints.', { sizes: [33] }),
      ),
    },
    {
      description:
        'Plaintext of the session init (UTF-8 JSON, camelCase), sealed with the init key and AAD `session_init`.',
      examples: [
        { sessionKey: EX.sessionKeyHex, jobId: '12345', modelName: 'tinyllama', pricePerToken: 2272727273 },
        {
          sessionKey: `0x${EX.sessionKeyHex}`,
          jobId: '18446744073709551615',
          modelName: 'tinyllama',
          pricePerToken: 18446744073709551615n,
          vectorDatabase: {
            manifestPath: 'home/vector-databases/0xabc/docs/manifest.json',
            userAddress: EX.clientAddress,
          },
        },
      ],
    },
  ),
)
