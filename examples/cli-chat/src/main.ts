#!/usr/bin/env node
import { createInterface } from 'node:readline/promises'
import { startNodeSim } from '@fabstir/node-sim'
import { fromViemAccount } from '@fabstir/signer-viem'
import {
  type ClientSession,
  type ClientStatus,
  createClient,
  type FabstirClient,
} from '@fabstir/transport-ws'
import { plaintextProtocol } from '@fabstir/transport-ws/plaintext'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { type ChatArgs, parseArgs, USAGE } from './args.js'
import { COMMANDS_HELP, runCommand, saveRoutedImage } from './commands.js'
import { friendlyError } from './friendly-error.js'

const DEMO_PROMPTS = ['What is 2+2?', 'Tell me something about end-to-end encryption.']

function statusLine(status: ClientStatus, session?: ClientSession): string {
  const id = session ? ` · session ${session.sessionId}` : ''
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

function simulatorBanner(url: string, address: string, args: ChatArgs): string {
  const pace = args.tokenDelayMs > 0 ? `${args.tokenDelayMs} ms per token (--token-delay-ms)` : 'no delay'
  return [
    `node: the built-in node simulator at ${url} (host address ${address})`,
    '      No model behind it: a canned/echo responder. "What is 2+2?" gets "2 + 2 = 4.", any other prompt',
    `      "Answer <hash>: <your words>". Streamed at ${pace}; the encryption is real.`,
    'real node: npm run demo -- --url wss://host/v1/ws --node-key 0x02… --node-address 0x… --job-id <id>',
    '           (the key and host address from the registry; --private-key 0x… for your session wallet)',
    'real model, locally: npx fabstir-node-sim --upstream http://127.0.0.1:11434/v1, then pass its url, publicKey',
    '           and address as --url, --node-key and --node-address',
  ].join('\n')
}

function elapsed(from: number): string {
  return `${Math.round(performance.now() - from)} ms`
}

async function main(args: ChatArgs): Promise<number> {
  const sim =
    args.url === undefined ? await startNodeSim({ port: 0, chunkDelayMs: args.tokenDelayMs }) : undefined
  const url = args.url ?? sim!.url
  const expectedNodeAddress = args.nodeAddress ?? sim?.address
  const account = privateKeyToAccount(args.privateKey ?? generatePrivateKey())
  process.stdout.write(
    sim
      ? `${simulatorBanner(sim.url, sim.address, args)}\n`
      : `node: ${url}${expectedNodeAddress ? ` (host address ${expectedNodeAddress})` : ' (key not pinned: add --node-address)'}\n`,
  )
  process.stdout.write(`wallet ${account.address}${args.privateKey ? '' : ' (throw-away key)'}\n`)

  let client: FabstirClient | undefined
  try {
    // createClient checks the node key against the host address right here, before anything is sent.
    client = createClient({
      url,
      nodePublicKey: args.nodeKey ?? sim?.publicKey,
      expectedNodeAddress,
      signer: fromViemAccount(account),
      encryption: args.encryption,
      allowPlaintextFallback: args.allowPlaintextFallback,
      // Used only with --no-encryption or --allow-plaintext-fallback (an explicit import, see docs/security.md).
      plaintext: plaintextProtocol,
      plaintextRag: args.plaintextRag,
    })
    client.on('status', (s, session) => {
      if (s === 'encrypted' || s === 'plaintext' || s === 'reconnecting' || s === 'failed') {
        process.stdout.write(`${statusLine(s, session)}\n`)
      }
    })
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
          process.stdout.write(
            `error: ${friendlyError(e, { url, keyPinned: expectedNodeAddress !== undefined }).join(' ')}\n`,
          )
          return
        }
      }
      process.stdout.write(`\nyou  › ${prompt}\nnode › `)
      const started = performance.now()
      let firstToken: string | undefined
      const stream = session.stream(prompt)
      for await (const delta of stream) {
        if (firstToken === undefined && delta.text !== '') firstToken = elapsed(started)
        process.stdout.write(delta.text)
      }
      const reply = await stream.result
      const facts = [
        reply.finishReason,
        `${reply.tokensUsed} tokens`,
        `first token ${firstToken ?? '—'}`,
        `${elapsed(started)} total`,
        reply.encrypted ? '🔒 encrypted' : '⚠️  plaintext',
      ]
      process.stdout.write(`\n      (${facts.join(' · ')})\n`)
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
  } catch (e) {
    const lines = friendlyError(e, { url, keyPinned: expectedNodeAddress !== undefined })
    process.stderr.write(`\nerror: ${lines.join('\n       ')}\n`)
    return 1
  } finally {
    await client?.close()
    await sim?.close()
  }
}

let parsed: ChatArgs | undefined
try {
  parsed = parseArgs(process.argv.slice(2))
} catch (e) {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 2
}
if (parsed?.help) process.stdout.write(`${USAGE}\n\n${COMMANDS_HELP}\n`)
else if (parsed) {
  main(parsed).then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      process.stderr.write(
        `\nerror: ${friendlyError(e, { url: parsed.url ?? '', keyPinned: false }).join('\n       ')}\n`,
      )
      process.exitCode = 1
    },
  )
}
