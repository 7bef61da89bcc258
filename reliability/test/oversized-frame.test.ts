import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import { createClient } from '@fabstir/transport-ws'
import { describe, expect, it } from 'vitest'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../src/common/identities.js'
import { startScriptedNode } from '../src/common/scripted-node.js'
import { mib } from '../src/common/stats.js'
import { waitUntil } from '../src/common/wait.js'
import { consume } from '../src/faults/consume.js'

const LIMIT = MAX_FRAME_BYTES

describe('a frame beyond the 64 MiB limit (raw server)', () => {
  it('closes the connection at the frame header: typed error, nothing delivered, memory bounded', async () => {
    let sent = false
    const node = await startScriptedNode({
      privateKey: NODE_IDENTITY.privateKeyHex,
      outbound: (text) => {
        if (sent || !text.includes('"encrypted_chunk"')) return sent ? [] : undefined
        sent = true
        return [{ oversized: LIMIT + 1 }]
      },
    })
    const client = createClient({
      url: node.url,
      nodePublicKey: NODE_IDENTITY.publicKey,
      signer: testSigner('oversized-client').signer,
      reconnect: false,
    })
    try {
      const session = await client.startSession(SESSION_OPTIONS)
      const rssBefore = process.memoryUsage().rss
      const got = await consume(session.stream('What is 2+2?'))
      const rssAfter = process.memoryUsage().rss
      await waitUntil(() => node.oversizedWritten.length === 1, 10_000, 'the oversized send to stop')
      const written = node.oversizedWritten[0]!
      process.stdout.write(
        `oversized frame: ${mib(written)} MiB of ${mib(LIMIT + 1)} MiB written before the client closed; RSS ${mib(rssBefore)} → ${mib(rssAfter)} MiB\n`,
      )
      expect(got.code).toBe('CONNECTION_LOST')
      expect(got.deltas).toBe(0)
      expect(session.status).toBe('failed')
      // The client refused the frame from its header: the server could not push the whole payload.
      expect(written).toBeLessThan(LIMIT)
      expect(rssAfter - rssBefore).toBeLessThan(LIMIT)
    } finally {
      await client.close()
      await node.close()
    }
  }, 30_000)
})
