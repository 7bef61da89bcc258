import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/** A static file server for a built site, bound to 127.0.0.1, sending `csp` on every response. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  close(): Promise<void>
}

/** Serve `root` (GET/HEAD only, no directory listing, no path traversal) with the given Content-Security-Policy. */
export async function startStaticServer(root: string, csp: string): Promise<StaticServer> {
  const base = normalize(root + sep)
  const server: Server = createServer(async (req, res) => {
    const headers = {
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
    } catch {
      res.writeHead(400, headers).end()
      return
    }
    const file = normalize(join(base, pathname.endsWith('/') ? `${pathname}index.html` : pathname))
    const type = MIME[extname(file)]
    if (!file.startsWith(base) || !type) {
      res.writeHead(404, headers).end()
      return
    }
    try {
      const body = await readFile(file)
      res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.byteLength })
      res.end(req.method === 'HEAD' ? undefined : body)
    } catch {
      res.writeHead(404, headers).end()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
