import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApi } from '../../src/main/api/handlers'
import { startHttpServer, type RunningServer } from '../../src/main/api/http-server'
import type { AppContext } from '../../src/main/jobs/context'
import { memoryContext } from './helpers'

describe('the HTTP server', () => {
  let ctx: AppContext
  let server: RunningServer
  let rendererDir: string

  beforeAll(async () => {
    ctx = memoryContext()
    // A throwaway renderer build, so the static route has something to serve.
    rendererDir = await mkdtemp(join(tmpdir(), 'facemark-renderer-'))
    await mkdir(join(rendererDir, 'assets'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'export {}')
    server = await startHttpServer({ api: createApi(ctx), rendererDir })
  })

  afterAll(async () => {
    await server.close()
    await ctx.close()
    await rm(rendererDir, { recursive: true, force: true })
  })

  const post = (path: string, init: RequestInit = {}) =>
    fetch(`${server.origin}${path}`, { method: 'POST', body: '{}', ...init })

  describe('when a request carries no token or a wrong one', () => {
    it.each([
      ['POST', '/api/datasets/list'],
      ['GET', '/image/1'],
      ['GET', '/'],
      ['GET', '/index.html'],
      ['GET', '/assets/app.js'],
    ])('refuses %s %s with 401', async (method, path) => {
      const response = await fetch(`${server.origin}${path}`, {
        method,
        body: method === 'POST' ? '{}' : undefined,
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    })

    it('refuses a wrong token in the query, the header or a cookie', async () => {
      const wrong = 'x'.repeat(server.token.length)
      expect((await post(`/api/datasets/list?token=${wrong}`)).status).toBe(401)
      expect(
        (await post('/api/datasets/list', { headers: { 'x-facemark-token': wrong } })).status,
      ).toBe(401)
      expect(
        (await post('/api/datasets/list', { headers: { cookie: `facemark_token=${wrong}` } }))
          .status,
      ).toBe(401)
      expect(
        (await post('/api/datasets/list', { headers: { 'x-facemark-token': 'short' } })).status,
      ).toBe(401)
    })
  })

  describe('when the token is right', () => {
    it('answers the API with the token in the header or the query', async () => {
      const byHeader = await post('/api/datasets/list', {
        headers: { 'x-facemark-token': server.token },
      })
      expect(byHeader.status).toBe(200)
      expect(await byHeader.json()).toEqual({ ok: true, value: [] })

      const byQuery = await post(`/api/datasets/list?token=${server.token}`)
      expect(await byQuery.json()).toEqual({ ok: true, value: [] })
    })

    it('serves the page with a cookie that lets its own assets load', async () => {
      const page = await fetch(server.url)
      expect(page.status).toBe(200)
      const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? ''
      expect(cookie).toBe(`facemark_token=${server.token}`)

      const asset = await fetch(`${server.origin}/assets/app.js`, { headers: { cookie } })
      expect(asset.status).toBe(200)
      expect(asset.headers.get('content-type')).toContain('javascript')
    })

    it('maps error codes to HTTP statuses and keeps the envelope', async () => {
      const headers = { 'x-facemark-token': server.token }
      const invalid = await post('/api/images/list', { headers, body: '{"datasetId":"x"}' })
      expect(invalid.status).toBe(400)
      expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } })

      const notJson = await post('/api/images/list', { headers, body: '{' })
      expect(notJson.status).toBe(400)

      const unknown = await post('/api/nope/never', { headers })
      expect(unknown.status).toBe(404)
      expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_channel' } })

      const missing = await fetch(`${server.origin}/image/12345`, { headers })
      expect(missing.status).toBe(404)
    })

    it('refuses a GET on the API and paths that climb out of the renderer folder', async () => {
      const query = `?token=${server.token}`
      expect((await fetch(`${server.origin}/api/datasets/list${query}`)).status).toBe(405)
      expect((await fetch(`${server.origin}/..%2f..%2fetc%2fpasswd${query}`)).status).toBe(404)
    })

    it('refuses a foreign Host header (DNS rebinding)', async () => {
      const { request } = await import('node:http')
      const status = await new Promise<number>((done) => {
        const url = new URL(server.origin)
        request(
          {
            host: url.hostname,
            port: url.port,
            path: `/api/datasets/list?token=${server.token}`,
            method: 'POST',
            headers: { host: 'evil.example' },
          },
          (res) => done(res.statusCode ?? 0),
        ).end('{}')
      })
      expect(status).toBe(401)
    })
  })
})
