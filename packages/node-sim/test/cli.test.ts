import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { bytesToHex } from '@fabstir/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { parseCliArgs } from '../src/cli-args.js'
import { createNodeCore } from '../src/index.js'
import { startOpenAiServer } from '../src/testing.js'
import { buildInit, collectEncrypted, promptFrame } from './helpers/protocol-client.js'
import { waitFor } from './helpers/sim.js'
import { WsClient } from './helpers/ws-client.js'

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const children: ChildProcessWithoutNullStreams[] = []

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

function run(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(CLI))
    throw new Error('dist/cli.js is missing: run `pnpm --filter @fabstir/node-sim build` first')
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const firstLine = (): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const nl = stdout.indexOf('\n')
        if (nl >= 0) {
          child.stdout.off('data', check)
          resolve(stdout.slice(0, nl))
        }
      }
      child.stdout.on('data', check)
      child.on('exit', () => reject(new Error(`exited before printing a line; stderr: ${stderr}`)))
      check()
    })
  return { child, exited, firstLine, out: () => stdout, err: () => stderr }
}

describe('fabstir-node-sim CLI', () => {
  it('prints one JSON line, serves an encrypted session, logs without secrets and exits 0 on SIGTERM', async () => {
    const cli = run(['--port', '0', '--rate-limit', '100'])
    const info = JSON.parse(await cli.firstLine()) as { url: string; publicKey: string; address: string }
    expect(Object.keys(info)).toEqual(['url', 'publicKey', 'address'])
    expect(info.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/ws$/)
    expect(info.publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/)
    expect(info.address).toMatch(/^0x[0-9a-f]{40}$/)

    const { client } = await WsClient.connect(info.url)
    const init = buildInit({ nodePublicKey: info.publicKey, sessionId: 'cli-session', jobId: '31' })
    expect(await client.request(init.frame)).toMatchObject({ type: 'session_init_ack', status: 'success' })
    client.send(promptFrame('cli-session', init.sessionKey, 'What is 2+2?'))
    expect((await collectEncrypted(client.q, init.sessionKey)).text).toBe('2 + 2 = 4.')
    await client.close()
    await waitFor(() => cli.err().includes('settling job'))

    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
    expect(cli.out().trim().split('\n')).toHaveLength(1)
    const err = cli.err()
    expect(err).toContain('encrypted session initialised')
    expect(err).toContain('prompt accepted')
    expect(err).toContain('settling job')
    expect(err).not.toContain('What is 2+2')
    expect(err).not.toContain('2 + 2 = 4')
    expect(err).not.toContain(bytesToHex(init.sessionKey))
  })

  it('prints publicKey null with --no-encryption (a node without a key has none to give)', async () => {
    const cli = run(['--no-encryption'])
    const info = JSON.parse(await cli.firstLine()) as Record<string, unknown>
    expect(Object.keys(info)).toEqual(['url', 'publicKey', 'address'])
    expect(info.publicKey).toBeNull()
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  it('--upstream fronts an OpenAI-compatible model, with --upstream-model and FABSTIR_UPSTREAM_API_KEY', async () => {
    const upstream = await startOpenAiServer()
    try {
      upstream.set({
        kind: 'stream',
        tokens: ['Real', ' tokens'],
        usage: { prompt_tokens: 3, completion_tokens: 2 },
      })
      const cli = run(['--upstream', upstream.url, '--upstream-model', 'qwen2.5:0.5b'], {
        FABSTIR_UPSTREAM_API_KEY: 'sk-cli-secret',
      })
      const info = JSON.parse(await cli.firstLine()) as { url: string; publicKey: string }
      const { client } = await WsClient.connect(info.url)
      const init = buildInit({ nodePublicKey: info.publicKey, sessionId: 'up' })
      expect(await client.request(init.frame)).toMatchObject({ type: 'session_init_ack' })
      client.send(promptFrame('up', init.sessionKey, 'Who are you?'))
      const r = await collectEncrypted(client.q, init.sessionKey)
      expect(r.text).toBe('Real tokens')
      expect(r.end.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 })
      expect(upstream.requests[0]!.body.model).toBe('qwen2.5:0.5b')
      expect(upstream.requests[0]!.headers.authorization).toBe('Bearer sk-cli-secret')
      await client.close()
      cli.child.kill('SIGTERM')
      expect(await cli.exited).toBe(0)
      expect(cli.err()).toContain('answering with an upstream model')
      expect(cli.err()).not.toContain('sk-cli-secret')
      expect(cli.err()).not.toContain('Who are you')
    } finally {
      await upstream.close()
    }
  })

  it('uses --private-key and exits 0 on SIGINT', async () => {
    const key = '22'.repeat(32)
    const cli = run(['--private-key', `0x${key}`, '--chunk-delay-ms=1', '--host', '127.0.0.1'])
    const info = JSON.parse(await cli.firstLine()) as { publicKey: string }
    expect(info.publicKey).toBe(createNodeCore({ privateKey: key }).publicKey)
    cli.child.kill('SIGINT')
    expect(await cli.exited).toBe(0)
  })

  it('bad flags: one clear error line and exit status 2; --help exits 0', async () => {
    const bad = [
      ['--bogus'],
      ['--port'],
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--private-key', '1234'],
      ['--rate-limit', '0'],
      ['--upstream', 'ftp://x'],
      ['--upstream-model', 'm'],
    ]
    const runs = bad.map((args) => ({ args, cli: run(args) }))
    for (const { args, cli } of runs) {
      expect(await cli.exited, args.join(' ')).toBe(2)
      const lines = cli.err().trim().split('\n')
      expect(lines, args.join(' ')).toHaveLength(1)
      expect(lines[0]).toMatch(/^fabstir-node-sim: /)
      expect(cli.out()).toBe('')
    }
    const help = run(['--help'])
    expect(await help.exited).toBe(0)
    expect(help.out()).toContain('Usage: fabstir-node-sim')
  })
})

describe('parseCliArgs', () => {
  it('maps flags to options', () => {
    expect(
      parseCliArgs([
        '--port',
        '8080',
        '--host=0.0.0.0',
        '--private-key',
        'ab'.repeat(32),
        '--no-encryption',
        '--chunk-delay-ms',
        '5',
        '--rate-limit=7',
      ]),
    ).toEqual({
      help: false,
      options: {
        port: 8080,
        host: '0.0.0.0',
        privateKey: 'ab'.repeat(32),
        encryption: false,
        chunkDelayMs: 5,
        rateLimitPerMinute: 7,
      },
    })
    expect(parseCliArgs([])).toEqual({ help: false, options: {} })
    expect(parseCliArgs(['--upstream', 'http://127.0.0.1:11434/v1', '--upstream-model=llama3.2'])).toEqual({
      help: false,
      options: {},
      upstream: { url: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
    })
    expect(parseCliArgs(['--port', '1', '-h'])).toEqual({ help: true })
  })

  it('rejects malformed command lines with INVALID_ARGUMENTS', () => {
    for (const argv of [
      ['--port', '--host'],
      ['--no-encryption=1'],
      ['extra'],
      ['--chunk-delay-ms', '-1'],
      ['--host='],
      ['--upstream', 'not a url'],
      ['--upstream'],
      ['--upstream-model', 'x'],
      ['--upstream', 'http://h/v1', '--upstream-model='],
    ]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENTS' }),
      )
    }
  })
})
