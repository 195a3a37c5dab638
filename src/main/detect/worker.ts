import { parentPort, workerData } from 'node:worker_threads'
import { Detector, type DetectorOptions } from './detector'
import { toErrorData } from './errors'
import type { WorkerReply, WorkerRequest } from './protocol'

/**
 * Entry of one detection thread: one Detector (so one ORT session per model) for the thread's
 * life, answering one request at a time. Built as out/main/detect-worker.js.
 */
const port = parentPort
if (!port) throw new Error('worker.ts must run as a worker thread')

const options = (workerData ?? {}) as DetectorOptions & { crashOnRequest?: boolean }
const detector = new Detector(options)

port.on('message', async (request: WorkerRequest) => {
  // A deliberate hard exit, enabled only by the pool's tests, to check crash recovery.
  if (request.kind === 'crash' && options.crashOnRequest) process.exit(3)
  if (request.kind !== 'detect') return

  let reply: WorkerReply
  try {
    const { image, result } = await detector.detectFile(request.path, request.options)
    reply = { id: request.id, ok: true, image, result }
  } catch (error) {
    reply = { id: request.id, ok: false, error: toErrorData(error) }
  }
  port.postMessage(reply)
})
