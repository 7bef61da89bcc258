import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { parseCliArgs, USAGE } from '../src/cli-args.js'
import { actionFrame, openAction } from './helpers/actions.js'
import { buildInit, collectEncrypted } from './helpers/protocol-client.js'
import { WsClient } from './helpers/ws-client.js'

describe('CLI flags of the full /v1/ws surface', () => {
  it('parses sidecar switches and pacing', () => {
    expect(
      parseCliArgs([
        '--no-auto-image-routing',
        '--no-vlm',
        '--web-search',
        '--image-delay-ms',
        '250',
        '--progress-interval-ms=2000',
      ]),
    ).toEqual({
      help: false,
      options: {
        autoImageRouting: false,
        vlm: false,
        webSearch: true,
        diffusion: { delayMs: 250 },
        transcoder: { pollIntervalMs: 2000 },
        comfyui: { stepDelayMs: 2000 },
      },
    })
  })

  it('a disabled sidecar stays disabled whatever the flag order', () => {
    for (const argv of [
      [
        '--no-diffusion',
        '--image-delay-ms',
        '5',
        '--no-transcoder',
        '--progress-interval-ms',
        '5',
        '--no-comfyui',
      ],
      [
        '--image-delay-ms',
        '5',
        '--no-diffusion',
        '--progress-interval-ms',
        '5',
        '--no-transcoder',
        '--no-comfyui',
      ],
    ]) {
      expect(parseCliArgs(argv)).toEqual({
        help: false,
        options: { diffusion: false, transcoder: false, comfyui: false },
      })
    }
  })

  it('rejects bad values and documents every flag', () => {
    expect(() => parseCliArgs(['--image-delay-ms', '-1'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENTS' }),
    )
    expect(() => parseCliArgs(['--progress-interval-ms'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENTS' }),
    )
    expect(() => parseCliArgs(['--no-vlm=1'])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENTS' }))
    for (const flag of [
      '--no-auto-image-routing',
      '--no-diffusion',
      '--no-transcoder',
      '--no-comfyui',
      '--no-vlm',
      '--web-search',
      '--image-delay-ms',
      '--progress-interval-ms',
    ]) {
      expect(USAGE).toContain(flag)
    }
  })
})

describe('the CLI process with the new flags', () => {
  const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
  const children: ChildProcessWithoutNullStreams[] = []
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  })

  it('--no-auto-image-routing and --no-diffusion change what an encrypted prompt gets', async () => {
    if (!existsSync(CLI))
      throw new Error('dist/cli.js is missing: run `pnpm --filter @fabstir/node-sim build` first')
    const child = spawn(process.execPath, [CLI, '--no-auto-image-routing', '--no-diffusion'])
    children.push(child)
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const nl = out.indexOf('\n')
        if (nl >= 0) resolve(out.slice(0, nl))
      })
      child.on('exit', () => reject(new Error('exited early')))
    })
    const info = JSON.parse(line) as { url: string; publicKey: string }
    const { client } = await WsClient.connect(info.url)
    const init = buildInit({ nodePublicKey: info.publicKey, sessionId: 'cli-img' })
    await client.request(init.frame)
    client.send(actionFrame('cli-img', init.sessionKey, { prompt: 'draw a cat' }, { id: 'c' }))
    expect((await collectEncrypted(client.q, init.sessionKey)).end.id).toBe('c')
    client.send(
      actionFrame('cli-img', init.sessionKey, { action: 'image_generation', prompt: 'cat' }, { id: 'i' }),
    )
    expect(openAction(init.sessionKey, await client.q.next(), 'encrypted_image_response').error.code).toBe(
      'DIFFUSION_SERVICE_UNAVAILABLE',
    )
    await client.close()
  })
})
