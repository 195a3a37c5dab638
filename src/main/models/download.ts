import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '../log'
import type { DetectorManifest } from './manifest'

const log = logger('models')

/** The server could not be reached or did not send the file; `url` is the one tried. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

export interface DownloadOptions {
  onProgress?: (receivedBytes: number, totalBytes: number) => void
  signal?: AbortSignal
  /** Overrides the manifest URL (tests serve the file from 127.0.0.1). */
  url?: string
}

/**
 * Download a model into `dataDir`. Bytes go to `<file>.part` while being hashed; only a file
 * whose sha256 matches the manifest is renamed into place, so an interrupted or tampered
 * download never looks installed. An interrupted download is kept and resumed with an HTTP
 * Range request next time; a server that ignores the range sends the whole file again.
 *
 * @returns the absolute path of the verified file.
 */
export async function downloadModel(
  manifest: Pick<DetectorManifest, 'id' | 'file' | 'sha256' | 'bytes' | 'source'>,
  dataDir: string,
  options: DownloadOptions = {},
): Promise<string> {
  const url = options.url ?? manifest.source.url
  if (!url) throw new Error(`${manifest.id} has no download URL`)

  await mkdir(dataDir, { recursive: true })
  const target = join(dataDir, manifest.file)
  const part = `${target}.part`
  const have = existsSync(part) ? (await stat(part)).size : 0

  log.info(`downloading ${manifest.id} from ${url}${have ? ` (resuming at ${have} bytes)` : ''}`)
  const headers: Record<string, string> = have ? { Range: `bytes=${have}-` } : {}
  const failed = (reason: string) =>
    new DownloadError(`could not download ${manifest.id} from ${url}: ${reason}`, url)
  const response = await fetch(url, { headers, signal: options.signal }).catch((error) => {
    throw options.signal?.aborted ? error : failed(networkReason(error))
  })
  if (response.status === 416) {
    // The part is already as long as the file (or longer): start over cleanly.
    await rm(part, { force: true })
    return downloadModel(manifest, dataDir, options)
  }
  if (!response.ok || !response.body) throw failed(`the server answered HTTP ${response.status}`)

  const resumed = response.status === 206
  const hash = createHash('sha256')
  if (resumed) await hashInto(hash, part)
  let received = resumed ? have : 0
  const total = resumed
    ? have + (Number(response.headers.get('content-length')) || manifest.bytes - have)
    : Number(response.headers.get('content-length')) || manifest.bytes

  const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' })
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk)
      received += chunk.length
      if (!out.write(chunk)) await new Promise<void>((done) => out.once('drain', () => done()))
      options.onProgress?.(received, total)
    }
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw failed(`${networkReason(error)} after ${received} bytes (kept; the next try resumes)`)
  } finally {
    // Whatever arrived stays in the part file, so a broken connection resumes from there.
    await new Promise<void>((done, fail) => {
      out.once('error', fail)
      out.end(done)
    })
  }

  const actual = hash.digest('hex')
  if (actual !== manifest.sha256) {
    await rm(part, { force: true })
    throw new Error(
      `downloaded file has sha256 ${actual}, expected ${manifest.sha256}; it was deleted`,
    )
  }

  await rename(part, target)
  return target
}

/** Node's fetch says only "fetch failed"; the cause names the network problem. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause
  return cause?.message ?? (error instanceof Error ? error.message : String(error))
}

async function hashInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
}
