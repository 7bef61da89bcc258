// Echo driver for `fabstir-conformance serve`, for this SDK. Usage: tsx fabstir-sdk-driver.ts http://127.0.0.1:9001
// For each case: connect to /case/<id>, open a session, send the case's prompts, POST what was delivered.
import { generateEphemeralKey, getPublicKey, publicKeyToAddress, signDigest } from '@fabstir/crypto'
import { createClient, isFabstirError } from '@fabstir/transport-ws'

interface Info {
  nodePublicKey: string
  cases: { id: string; prompts: number; path: string }[]
}

export async function runDriver(base: string): Promise<void> {
  const info = (await (await fetch(`${base}/info`)).json()) as Info
  const key = generateEphemeralKey().privateKey
  const signer = {
    address: publicKeyToAddress(getPublicKey(key, false)),
    signDigest: async (digest: Uint8Array) => signDigest(key, digest),
  }
  for (const c of info.cases) {
    const client = createClient({
      url: `${base.replace(/^http/, 'ws')}${c.path}`,
      nodePublicKey: info.nodePublicKey,
      signer,
      reconnect: false,
      timeouts: { connectMs: 5000, ackMs: 5000, firstChunkMs: 5000, idleMs: 5000 },
    })
    let report: { delivered: string } | { error: string }
    try {
      const session = await client.startSession({
        jobId: '1',
        modelName: 'conformance',
        pricePerToken: 2272727273n,
      })
      let text = ''
      for (let i = 0; i < c.prompts; i++) {
        text = ''
        for await (const delta of session.stream(`conformance case ${c.id}, prompt ${i + 1}`))
          text += delta.text
      }
      report = { delivered: text }
    } catch (e) {
      report = { error: isFabstirError(e) ? e.code : 'UNKNOWN' }
    } finally {
      await client.close()
    }
    await fetch(`${base}/report/${c.id}`, { method: 'POST', body: JSON.stringify(report) })
  }
}

if (process.argv[1]?.endsWith('fabstir-sdk-driver.ts'))
  await runDriver(process.argv[2] ?? 'http://127.0.0.1:9001')
