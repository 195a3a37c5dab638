import * as ort from 'onnxruntime-node'
import { logger } from '../log'
import type { DetectorManifest, ModelManifest } from '../models/manifest'

const log = logger('detect')

/** Raw head outputs of one forward pass. */
export interface HeadOutputs {
  loc: Float32Array
  conf: Float32Array
  landmarks: Float32Array
}

/**
 * One session per (model file, thread count) for the whole process: creating a session costs
 * far more than a forward pass, and ORT sessions are safe to reuse for sequential runs.
 */
const sessions = new Map<string, Promise<ort.InferenceSession>>()

/** The shared session for a model file, created on first use. */
export function getSession(
  modelPath: string,
  intraOpNumThreads = 1,
): Promise<ort.InferenceSession> {
  const key = `${modelPath}\0${intraOpNumThreads}`
  let session = sessions.get(key)
  if (!session) {
    log.info(`creating session for ${modelPath} with ${intraOpNumThreads} thread(s)`)
    session = ort.InferenceSession.create(modelPath, {
      intraOpNumThreads,
      // Inter-op parallelism would add threads beyond the per-worker budget.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    })
    // A failed creation must not be cached, so the next call can retry (e.g. after a fix).
    session.catch(() => sessions.delete(key))
    sessions.set(key, session)
  }
  return session
}

/** Release every session (workers call this before exiting). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()]
  sessions.clear()
  await Promise.all(all.map((s) => s.then((session) => session.release()).catch(() => undefined)))
}

/**
 * A session outside the shared cache, released when `use` settles: for one-off checks of a
 * file that is not (yet) a model in use, such as a freshly derived or user-supplied file.
 */
export async function withSession<T>(
  modelPath: string,
  use: (session: ort.InferenceSession) => Promise<T>,
): Promise<T> {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  })
  try {
    return await use(session)
  } finally {
    await session.release()
  }
}

/** Run one 1x3xHxW tensor and return every output by name, with its dims. */
export async function runAll(
  session: ort.InferenceSession,
  manifest: Pick<DetectorManifest, 'input'>,
  tensor: Float32Array,
  width: number,
  height: number,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const input = new ort.Tensor('float32', tensor, [1, 3, height, width])
  const result = await session.run({ [manifest.input.name]: input })
  input.dispose()
  return Object.fromEntries(
    Object.entries(result).map(([name, t]) => [
      name,
      { data: t.data as Float32Array, dims: t.dims },
    ]),
  )
}

/** Run one 1x3xHxW tensor through the model and return its three heads by role. */
export async function runHeads(
  session: ort.InferenceSession,
  manifest: ModelManifest,
  tensor: Float32Array,
  width: number,
  height: number,
): Promise<HeadOutputs> {
  const input = new ort.Tensor('float32', tensor, [1, 3, height, width])
  const { outputs } = manifest
  const result = await session.run({ [manifest.input.name]: input })
  input.dispose()

  const take = (name: string): Float32Array => {
    const out = result[name]
    if (!out) throw new Error(`model ${manifest.id} returned no output "${name}"`)
    return out.data as Float32Array
  }
  return { loc: take(outputs.loc), conf: take(outputs.conf), landmarks: take(outputs.landmarks) }
}
