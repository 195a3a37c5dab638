import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '../log'
import type { ModelManifest } from './manifest'

const log = logger('models')

/**
 * Download a model into `dataDir`. Bytes go to `<file>.part` while being hashed; only a file
 * whose sha256 matches the manifest is renamed into place, so an interrupted or tampered
 * download never looks installed.
 *
 * @returns the absolute path of the verified file.
 */
export async function downloadModel(
  manifest: ModelManifest,
  dataDir: string,
  onProgress?: (receivedBytes: number, totalBytes: number) => void,
): Promise<string> {
  const url = manifest.source.url
  if (!url) throw new Error(`${manifest.id} has no download URL`)

  await mkdir(dataDir, { recursive: true })
  const target = join(dataDir, manifest.file)
  const part = `${target}.part`

  log.info(`downloading ${manifest.id} from ${url}`)
  const response = await fetch(url)
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
  const total = Number(response.headers.get('content-length')) || manifest.bytes

  const hash = createHash('sha256')
  const out = createWriteStream(part)
  let received = 0
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk)
      received += chunk.length
      if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()))
      onProgress?.(received, total)
    }
    await new Promise<void>((done, fail) => {
      out.once('error', fail)
      out.end(done)
    })
  } catch (error) {
    out.destroy()
    await rm(part, { force: true })
    throw error
  }

  const actual = hash.digest('hex')
  if (actual !== manifest.sha256) {
    await rm(part, { force: true })
    throw new Error(`downloaded file has sha256 ${actual}, expected ${manifest.sha256}`)
  }

  await rename(part, target)
  return target
}
