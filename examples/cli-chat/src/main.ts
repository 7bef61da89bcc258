#!/usr/bin/env node
import { createInterface } from 'node:readline/promises'
import { startNodeSim } from '@fabstir/node-sim'
import { fromViemAccount } from '@fabstir/signer-viem'
import { type ClientSession, type ClientStatus, createClient, isFabstirError } from '@fabstir/transport-ws'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { parseArgs, USAGE } from './args.js'
import { COMMANDS_HELP, runCommand, saveRoutedImage } from './commands.js'

const DEMO_PROMPTS = ['What is 2+2?', 'Tell me something about end-to-end encryption.']

function statusLine(status: ClientStatus, session?: ClientSession): string {
  const id = session ? ` · session ${session.sessionId.slice(0, 8)}…` : ''
  switch (status) {
    case 'encrypted':
      return `🔒 end-to-end encrypted · XChaCha20-Poly1305${id}`
    case 'plaintext':
      return `⚠️  PLAINTEXT — not encrypted${id}`
    case 'reconnecting':
      return '↻ reconnecting…'
    case 'failed':
      return '✖ connection failed'
    default:
      return `… ${status}`
  }
}

/** One clear sentence per error, never a stack trace. */
function describe(e: unknown): string {
  if (isFabstirError(e)) return `${e.message} [${e.code}]${e.action ? ` — ${e.action}` : ''}`
  if (e instanceof Error) return e.message
  return String(e)
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    process.stdout.write(`${USAGE}\n\n${COMMANDS_HELP}\n`)
    return 0
  }
  const sim = args.url === undefined ? await startNodeSim({ port: 0 }) : undefined
  const url = args.url ?? sim!.url
  const nodePublicKey = args.nodePublicKey ?? sim?.publicKey
  const account = privateKeyToAccount(args.privateKey ?? generatePrivateKey())
  if (sim) process.stdout.write(`embedded node simulator at ${sim.url} (node address ${sim.address})\n`)
  process.stdout.write(`wallet ${account.address}${args.privateKey ? '' : ' (throw-away key)'}\n`)

  const client = createClient({
    url,
    nodePublicKey,
    signer: fromViemAccount(account),
    encryption: args.encryption,
    allowPlaintextFallback: args.allowPlaintextFallback,
    plaintextRag: args.plaintextRag,
  })
  let current: ClientSession | undefined
  client.on('status', (s, session) => {
    current = session
    if (s === 'encrypted' || s === 'plaintext' || s === 'reconnecting' || s === 'failed') {
      process.stdout.write(`${statusLine(s, current)}\n`)
    }
  })
  try {
    const session = await client.startSession({
      jobId: args.jobId,
      modelName: args.model,
      pricePerToken: args.price,
    })
    const commandOptions = {
      imageDir: args.imageDir,
      print: (line: string) => process.stdout.write(`${line}\n`),
    }
    const ask = async (prompt: string) => {
      if (prompt.startsWith('/')) {
        process.stdout.write(`\nyou  › ${prompt}\n`)
        try {
          if (await runCommand(prompt, session, commandOptions)) return
        } catch (e) {
          process.stdout.write(`error: ${describe(e)}\n`)
          return
        }
      }
      process.stdout.write(`\nyou  › ${prompt}\nnode › `)
      const stream = session.stream(prompt)
      for await (const delta of stream) process.stdout.write(delta.text)
      const reply = await stream.result
      process.stdout.write(
        `\n      (${reply.finishReason}, ${reply.tokensUsed} tokens${reply.encrypted ? ', encrypted' : ''})\n`,
      )
      await saveRoutedImage(reply, commandOptions)
    }
    if (args.prompts.length > 0 || !process.stdin.isTTY) {
      for (const p of args.prompts.length > 0 ? args.prompts : DEMO_PROMPTS) await ask(p)
    } else {
      const rl = createInterface({ input: process.stdin, output: process.stdout })
      process.stdout.write('\nType a prompt and press Enter (empty line or Ctrl-D to quit).\n')
      try {
        for (;;) {
          const line = (await rl.question('\n> ').catch(() => '')).trim()
          if (!line) break
          await ask(line)
        }
      } finally {
        rl.close()
      }
    }
    return 0
  } finally {
    await client.close()
    await sim?.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`\nerror: ${describe(e)}\n`)
    process.exitCode = 1
  },
)
