// Runs in the fresh npm project of the pack smoke test: both modes of the published `fabstir-conformance` bin.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateEphemeralKey, getPublicKey, publicKeyToAddress, signDigest } from '@fabstir/crypto'
import { startNodeSim } from '@fabstir/node-sim'
import { createClient, isFabstirError } from '@fabstir/transport-ws'

const reports = mkdtempSync(join(tmpdir(), 'conformance-smoke-'))
const node = await startNodeSim({ chunkDelayMs: 5 })
try {
  // Node mode: a handful of cases against the published simulator, with a report.
  const args = [
    '--no-install',
    'fabstir-conformance',
    'node',
    node.url,
    '--node-key',
    node.publicKey,
    '--node-address',
    node.address,
    '--cases',
    '1.01,2.01,4.01',
    '--report',
    join(reports, 'node'),
  ]
  // Asynchronously: the simulator runs in this process and must keep accepting connections meanwhile.
  const nodeRun = await new Promise((resolve) => {
    const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.once('exit', (status) => resolve({ status, output }))
  })
  assert.equal(nodeRun.status, 0, `node mode failed:\n${nodeRun.output}`)
  assert.match(nodeRun.output, /3 cases: 3 passed, 0 failed/)
  assert.ok(existsSync(join(reports, 'node', 'report.html')))
} finally {
  await node.close()
}

// Client mode: `serve`, driven by the echo driver of docs/conformance.md written against the published SDK.
const server = spawn(
  'npx',
  [
    '--no-install',
    'fabstir-conformance',
    'serve',
    '--port',
    '0',
    '--cases',
    '1.01,2.0',
    '--report',
    join(reports, 'serve'),
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
)
let out = ''
const base = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => {
    out += d
    const line = out.split('\n').find((l) => l.startsWith('{'))
    if (line) resolve(JSON.parse(line).url)
  })
  server.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)))
})
const info = await (await fetch(`${base}/info`)).json()
const key = generateEphemeralKey().privateKey
const signer = {
  address: publicKeyToAddress(getPublicKey(key, false)),
  signDigest: async (d) => signDigest(key, d),
}
for (const c of info.cases) {
  const client = createClient({
    url: `${base.replace(/^http/, 'ws')}${c.path}`,
    nodePublicKey: info.nodePublicKey,
    signer,
    reconnect: false,
  })
  let report
  try {
    const session = await client.startSession({
      jobId: '1',
      modelName: 'conformance',
      pricePerToken: 2272727273n,
    })
    let text = ''
    for (let i = 0; i < c.prompts; i++) {
      text = ''
      for await (const d of session.stream(`case ${c.id}`)) text += d.text
    }
    report = { delivered: text }
  } catch (e) {
    report = { error: isFabstirError(e) ? e.code : 'UNKNOWN' }
  } finally {
    await client.close()
  }
  await fetch(`${base}/report/${c.id}`, { method: 'POST', body: JSON.stringify(report) })
}
const code = await new Promise((resolve) => server.once('exit', resolve))
assert.equal(code, 0, `serve graded a failure:\n${out}`)
assert.ok(existsSync(join(reports, 'serve', 'report.json')))
console.log(JSON.stringify({ conformance: 'ok', cases: info.cases.length }))
