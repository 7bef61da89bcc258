/**
 * Bundle-size probe: the smallest realistic browser use of the SDK — a throw-away raw-digest signer, one encrypted
 * session, one streamed prompt, close. `scripts/bundle-size.mjs` bundles this file for browsers and measures it.
 */
import { getPublicKey, publicKeyToAddress, randomBytes, signDigest, zeroize } from '@fabstir/crypto'
import { type DigestSigner, isFabstirError } from '@fabstir/protocol'
import { createClient } from '@fabstir/transport-ws'

/** Ask one question over an encrypted session and stream the answer to `onText`; resolves with the whole answer. */
export async function ask(
  url: string,
  nodePublicKey: string,
  prompt: string,
  onText: (text: string) => void,
): Promise<string> {
  const key = randomBytes(32)
  const signer: DigestSigner = {
    address: publicKeyToAddress(getPublicKey(key)),
    signDigest: async (digest) => signDigest(key, digest),
  }
  const client = createClient({ url, nodePublicKey, signer })
  client.on('status', (status, session) => onText(`[${status}${session.encrypted ? ' 🔒' : ''}]`))
  try {
    const session = await client.startSession({
      jobId: '1',
      modelName: 'tiny-vicuna',
      pricePerToken: 2_272_727_273n,
    })
    const stream = session.stream(prompt)
    for await (const delta of stream) onText(delta.text)
    return (await stream.result).text
  } catch (e) {
    if (isFabstirError(e)) onText(`${e.code}: ${e.message}`)
    throw e
  } finally {
    await client.close()
    zeroize(key)
  }
}
