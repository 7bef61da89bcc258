import { startNodeSim } from '@fabstir/node-sim'
import { privateKeyToDigestSigner } from '@fabstir/signer-viem'
import { createClient } from '@fabstir/transport-ws'
import { generatePrivateKey } from 'viem/accounts'

// A local node simulator. Against a real node, use its URL, public key and host address instead.
const node = await startNodeSim()

const client = createClient({
  url: node.url, // ws://127.0.0.1:<port>/v1/ws
  nodePublicKey: node.publicKey, // the node's static key, from config or registry metadata
  expectedNodeAddress: node.address, // the host address the key must belong to: checked before anything is sent
  signer: privateKeyToDigestSigner(generatePrivateKey()), // signs the session init as a raw digest
})
client.on('status', (status) => console.log(`[${status}]`)) // connecting → connected → encrypted → closed

try {
  const session = await client.startSession({
    jobId: '15',
    modelName: 'tinyllama',
    pricePerToken: 2272727273n,
  })
  const stream = session.stream('What is 2+2?')
  for await (const delta of stream) process.stdout.write(delta.text) // authenticated before it is yielded
  const reply = await stream.result
  console.log(`\n(${reply.finishReason}, ${reply.tokensUsed} tokens, encrypted: ${reply.encrypted})`)
} finally {
  await client.close() // closing the connection makes the node settle the job
  await node.close()
}
