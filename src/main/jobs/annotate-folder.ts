import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { DetectOptions } from '../detect/detector'
import { logger } from '../log'
import { ensureDataset } from '../store/datasets'
import { listImages, markImageUnreadable, upsertImage } from '../store/images'
import {
  findResumableRun,
  finishRun,
  forgetRunResults,
  pendingImageIds,
  recordDetections,
  recordFailure,
  startRun,
} from '../store/runs'
import type { AppContext } from './context'
import { forEachConcurrent } from './concurrency'
import { hashFile, scanFolder } from './scan-folder'

const log = logger('annotate')

export interface AnnotateProgress {
  datasetId: number
  phase: 'scanning' | 'detecting' | 'finished'
  total: number
  done: number
  failed: number
  currentPath: string | null
}

export interface AnnotateSummary {
  datasetId: number
  runId: number
  /** Image files found under the folder. */
  images: number
  /** Images pre-annotated by this call. */
  detected: number
  /** Images an earlier (possibly killed) run had already finished. */
  skipped: number
  /** Faces proposed by this call at or above the proposal threshold. */
  faces: number
  /**
   * Images that cannot be read, with the reason: those this call failed on, and first those
   * that failed earlier and whose file has not changed since (not tried again).
   */
  failed: { relPath: string; reason: string }[]
}

export interface AnnotateOptions {
  detect?: Partial<DetectOptions>
  /** Detections at or above this score become proposals in the annotation set. */
  proposalThreshold?: number
  onProgress?: (progress: AnnotateProgress) => void
  signal?: AbortSignal
}

/**
 * Import every image under `root` into the store and pre-annotate the ones this detector
 * configuration has not seen yet. Each image is committed on its own, so a killed process
 * loses at most the images in flight and the next call resumes the same run.
 */
export async function annotateFolder(
  ctx: AppContext,
  root: string,
  options: AnnotateOptions = {},
): Promise<AnnotateSummary> {
  const absRoot = resolve(root)
  const isFolder = await stat(absRoot).then(
    (s) => s.isDirectory(),
    () => false,
  )
  if (!isFolder)
    throw new Error(`${absRoot} is not a folder; give the folder that holds the images`)
  const dataset = ensureDataset(ctx.db, absRoot)
  const report = (p: Omit<AnnotateProgress, 'datasetId'>) =>
    options.onProgress?.({ datasetId: dataset.id, ...p })

  // 1. Register the files, and notice replaced ones. Hashing every file at every open would
  // read the whole dataset, so a known file is hashed again only when it may have changed: its
  // size differs, or it could not be read last time.
  report({ phase: 'scanning', total: 0, done: 0, failed: 0, currentPath: null })
  const files = await scanFolder(absRoot)
  const known = new Map(listImages(ctx.db, dataset.id).map((image) => [image.relPath, image]))
  for (const file of files) {
    const image = known.get(file.relPath)
    const mayHaveChanged =
      !image?.sha256 || image.byteSize !== file.byteSize || image.error !== null
    if (!mayHaveChanged) continue

    const sha256 = await hashFile(file.absPath)
    if (image?.sha256 === sha256) continue
    upsertImage(ctx.db, dataset.id, file.relPath, {
      width: null,
      height: null,
      orientation: 1,
      sha256,
      byteSize: file.byteSize,
    })
    if (image?.sha256) forgetRunResults(ctx.db, image.id)
  }

  // 2. Resume the unfinished run with the same model and parameters, or start one.
  const detector = ctx.detector()
  const detect = detector.options(options.detect)
  const model = await detector.model(detect.mode, detect.model)
  const params = { ...detect, proposalThreshold: options.proposalThreshold ?? 0.5 }
  const run =
    findResumableRun(ctx.db, dataset.id, model.id, params) ??
    startRun(ctx.db, dataset.id, model.id, model.sha256, params)

  // Images a label import registered that are not in the folder have nothing to detect on.
  const onDisk = new Set(files.map((file) => file.relPath))
  const byId = new Map(listImages(ctx.db, dataset.id).map((image) => [image.id, image]))
  const pending = pendingImageIds(ctx.db, run.id, dataset.id).filter((id) =>
    onDisk.has(byId.get(id)!.relPath),
  )
  // Files that could not be read before and have not changed since are not tried again, but
  // they are still unreadable: the summary lists them with the reason stored then.
  const pendingIds = new Set(pending)
  const stillUnreadable = [...byId.values()]
    .filter((i) => i.error !== null && onDisk.has(i.relPath) && !pendingIds.has(i.id))
    .map((i) => ({ relPath: i.relPath, reason: i.error! }))
  const summary: AnnotateSummary = {
    datasetId: dataset.id,
    runId: run.id,
    images: files.length,
    detected: 0,
    skipped: files.length - pending.length - stillUnreadable.length,
    faces: 0,
    failed: [...stillUnreadable],
  }

  // 3. Detect with every worker busy; results are written as they arrive.
  let done = 0
  report({ phase: 'detecting', total: pending.length, done, failed: 0, currentPath: null })
  await forEachConcurrent(pending, detector.concurrency * 2, async (imageId) => {
    if (options.signal?.aborted) return
    const image = byId.get(imageId)!
    const absPath = resolve(absRoot, image.relPath)

    try {
      const { info, faces } = await detector.detectFile(absPath, detect)
      upsertImage(ctx.db, dataset.id, image.relPath, {
        width: info.width,
        height: info.height,
        orientation: info.orientation,
        sha256: image.sha256,
        byteSize: null,
      })
      const proposed = recordDetections(ctx.db, run.id, imageId, faces, {
        proposalThreshold: params.proposalThreshold,
      })
      summary.detected += 1
      summary.faces += proposed
    } catch (error) {
      // Decode errors name the file first; the summary already does, so keep only the reason.
      const message = error instanceof Error ? error.message : String(error)
      const reason = message.startsWith(`${absPath}: `)
        ? message.slice(absPath.length + 2)
        : message
      log.warn(`skipped ${image.relPath}: ${reason}`)
      markImageUnreadable(ctx.db, imageId, reason)
      recordFailure(ctx.db, run.id, imageId, reason)
      summary.failed.push({ relPath: image.relPath, reason })
    }

    done += 1
    const failed = summary.failed.length - stillUnreadable.length
    report({ phase: 'detecting', total: pending.length, done, failed, currentPath: image.relPath })
  })

  if (!options.signal?.aborted) finishRun(ctx.db, run.id)
  report({
    phase: 'finished',
    total: pending.length,
    done,
    failed: summary.failed.length - stillUnreadable.length,
    currentPath: null,
  })
  return summary
}
