// Runs in a fresh npm project where the packed tarballs were installed: uses only the published entry points.
import assert from 'node:assert/strict'
import * as crypto from '@fabstir/crypto'
import { startNodeSim } from '@fabstir/node-sim'
import * as protocol from '@fabstir/protocol'
import * as signerEthers from '@fabstir/signer-ethers'
import { privateKeyToDigestSigner } from '@fabstir/signer-viem'
import { createClient, isFabstirError } from '@fabstir/transport-ws'
import * as wire from '@fabstir/wire'
import { generatePrivateKey } from 'viem/accounts'

assert.equal(typeof crypto.seal, 'function', '@fabstir/crypto exports seal')
assert.equal(typeof protocol.createSession, 'function', '@fabstir/protocol exports createSession')
assert.equal(typeof protocol.verifyNodePublicKey, 'function', '@fabstir/protocol exports verifyNodePublicKey')
assert.equal(
  typeof signerEthers.fromEthersWallet,
  'function',
  '@fabstir/signer-ethers exports fromEthersWallet',
)
assert.equal(typeof wire.ERROR_CODES, 'object', '@fabstir/wire exports ERROR_CODES')

const node = await startNodeSim()
const other = await startNodeSim()
const signer = privateKeyToDigestSigner(generatePrivateKey())
try {
  const swapped = createClient({
    url: node.url,
    nodePublicKey: other.publicKey,
    expectedNodeAddress: node.address,
    signer,
  })
  assert.fail(`a swapped node key was accepted: ${swapped.status}`)
} catch (e) {
  assert.ok(isFabstirError(e, 'NODE_KEY_MISMATCH'), `expected NODE_KEY_MISMATCH, got ${e}`)
}

const client = createClient({
  url: node.url,
  nodePublicKey: node.publicKey,
  expectedNodeAddress: node.address,
  signer,
})
const statuses = []
client.on('status', (s) => statuses.push(s))
try {
  const session = await client.startSession({
    jobId: '15',
    modelName: 'tinyllama',
    pricePerToken: 2272727273n,
  })
  assert.equal(session.encrypted, true)
  assert.equal(session.clientAddress, signer.address.toLowerCase())
  let streamed = ''
  const stream = session.stream('What is 2+2?')
  for await (const delta of stream) streamed += delta.text
  const reply = await stream.result
  assert.equal(reply.text, '2 + 2 = 4.')
  assert.equal(streamed, '2 + 2 = 4.')
  assert.equal(reply.finishReason, 'stop')
  assert.equal(reply.encrypted, true)
} finally {
  await client.close()
}
await node.close()
await other.close()
assert.deepEqual(statuses.slice(0, 3), ['connecting', 'connected', 'encrypted'])
assert.equal(node.settledJobs.length, 1, 'closing the session settles its job')
console.log(JSON.stringify({ smoke: 'ok', answer: '2 + 2 = 4.', statuses }))
