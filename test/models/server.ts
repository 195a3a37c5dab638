import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the local test server saw: one entry per request, with its Range header. */
export interface ServedRequest {
  path: string
  range: string | undefined
}

/**
 * A 127.0.0.1 server for the download tests: `/model.onnx` serves the file with Range
 * support, `/corrupt.onnx` the same bytes with one flipped, `/cut.onnx` drops the connection
 * half way through (an interrupted download), `/missing.onnx` answers 404.
 */
export async function serveModel(file: string): Promise<{
  url: (path: string) => string
  requests: ServedRequest[]
  close: () => Promise<void>
}> {
  const bytes = readFileSync(file)
  const corrupt = Buffer.from(bytes)
  corrupt[corrupt.length >> 1] ^= 0xff
  const requests: ServedRequest[] = []

  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', range: req.headers.range })
    if (req.url === '/missing.onnx') return void res.writeHead(404).end()
    const body = req.url === '/corrupt.onnx' ? corrupt : bytes
    if (req.url === '/cut.onnx') {
      res.writeHead(200, { 'Content-Length': bytes.length })
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy())
      return
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    if (range) {
      const start = Number(range[1])
      if (start >= body.length) return void res.writeHead(416).end()
      res.writeHead(206, {
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
      })
      return void res.end(body.subarray(start))
    }
    res.writeHead(200, { 'Content-Length': body.length })
    res.end(body)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo

  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}
