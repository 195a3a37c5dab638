import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve } from 'node:path'

import type { ExportFormat } from '../../shared/label-formats'
import type { LabelSetRecord } from '../../shared/records'
import type { FaceRecord } from '../formats/labelled-image'
import { serializeRetinaFaceLabels } from '../formats/retinaface-label'
import { serializeWiderGt } from '../formats/wider-gt'
import { writePredictionFolder } from '../formats/wider-predictions'
import type { Db } from '../store/database'
import { getDataset } from '../store/datasets'
import { facesForSet } from '../store/faces'
import { identitiesForSet } from '../store/identities'
import { listImages } from '../store/images'
import { annotationSet, listLabelSets } from '../store/label-sets'
import { setImageIds } from '../store/review'
import { widerPath } from './dataset-paths'
import { turnTaker } from './event-loop-turns'
import { describeLosses } from './export-losses'
import {
  assignSplits,
  keepFace,
  keepImage,
  type ExportFilter,
  type SplitOptions,
} from './export-select'
import * as writers from './export-writers'

export type { ExportFilter, SplitOptions } from './export-select'

export { EXPORT_FORMATS, type ExportFormat } from '../../shared/label-formats'

export interface ExportProgress {
  phase: 'writing' | 'finished'
  total: number
  done: number
}

export interface ExportRequest {
  datasetId: number
  format: ExportFormat
  /**
   * A file for retinaface / wider without split or copied images (their classic form), a
   * folder for every other case.
   */
  out: string
  /** Which label set; by default the annotation set, or the newest run for predictions. */
  labelSetId?: number
  /** Copy the images into the export (paths then point inside it); otherwise reference them. */
  copyImages?: boolean
  /** Replace an `out` that exists and is not an empty folder; refused otherwise. */
  overwrite?: boolean
  split?: SplitOptions
  filter?: ExportFilter
  onProgress?: (progress: ExportProgress) => void
  signal?: AbortSignal
}

export interface ExportSummary {
  out: string
  labelSet: LabelSetRecord
  images: number
  faces: number
  /** Images left out because their file could not be read. */
  unreadable: number
  /** Images left out because the label set does not label them (another split's images). */
  notInSet: number
  /** Images and faces the filter left out. */
  filteredImages: number
  filteredFaces: number
  /** Images per split; one `all` entry without a split. */
  splits: Record<string, number>
  stats: writers.WriteStats
  /** What this format could not carry, and what it had to change, in words. */
  notes: string[]
}

/**
 * Write one label set in a training or evaluation format. Output goes to a temporary path
 * beside `out` first and is renamed at the end, so a crash or a cancel never leaves a
 * half-written dataset where the finished one belongs.
 */
export async function exportLabels(db: Db, request: ExportRequest): Promise<ExportSummary> {
  const labelSet = chooseLabelSet(db, request)
  const root = getDataset(db, request.datasetId)?.root ?? ''
  const byImage = facesForSet(db, labelSet.id)
  const identities = identitiesForSet(db, labelSet.id)
  const images = listImages(db, request.datasetId)
  const readable = images.filter((image) => image.error === null)
  const filter = request.filter ?? {}
  const out = resolve(request.out)
  checkOutput(out, { root, dbFile: db.name, overwrite: request.overwrite ?? false })

  // 1. Select images and faces. A set other than the annotation set labels only the images it
  // covers (its import's, its run's): the rest of the dataset is not "no face" to it.
  const covered = labelSet.kind === 'annotation' ? null : setImageIds(db, labelSet)
  const inSet = covered ? readable.filter((image) => covered.has(image.id)) : readable
  const kept = inSet.filter((image) => keepImage(image, filter))
  const paths = labelPaths(kept.map((image) => image.relPath))
  let filteredFaces = 0
  // Copies only where there is something to add or leave out: 160,000 spread faces cost
  // more than the writing of the files they go to.
  const filtersFaces = filter.dropInvalid || filter.minFaceSize || filter.maxAttributes
  const items: writers.ExportItem[] = kept.map((image, i) => {
    const stored = byImage.get(image.id) ?? []
    const all: FaceRecord[] =
      identities.size === 0
        ? stored
        : stored.map((face) => ({ ...face, identity: identities.get(face.id) ?? null }))
    const faces = filtersFaces ? all.filter((face) => keepFace(face, filter)) : all
    filteredFaces += all.length - faces.length
    const file = resolve(root, image.relPath)
    return { file, path: paths[i], width: image.width, height: image.height, faces }
  })

  // 2. Split.
  const splitOf = request.split ? assignSplits(items, request.split) : undefined
  const groups = new Map<string, writers.ExportItem[]>()
  items.forEach((item, i) => {
    const key = splitOf?.[i] ?? ''
    const list = groups.get(key)
    if (list) list.push(item)
    else groups.set(key, [item])
  })
  // A filter that keeps no image still gives the format's own empty dataset (an empty COCO
  // file, an empty folder), as the text formats give an empty file.
  if (groups.size === 0) groups.set('', [])

  // 3. Write into the temporary path, then swap it in.
  const temp = `${out}.partial-${process.pid}`
  await rm(temp, { recursive: true, force: true })
  await mkdir(dirname(out), { recursive: true })

  let done = 0
  const ctx: writers.WriteContext = {
    temp,
    out,
    datasetRoot: root,
    copyImages: request.copyImages ?? false,
    stats: writers.emptyStats(),
    dirs: new Set(),
    turn: turnTaker(),
    step: () => {
      if (request.signal?.aborted) throw new Error('Export cancelled; nothing was written')
      request.onProgress?.({ phase: 'writing', total: items.length, done: ++done })
    },
  }
  try {
    await writeAll(request, ctx, items, groups)
    if (!existsSync(temp)) await mkdir(temp)
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
  await rm(out, { recursive: true, force: true })
  await rename(temp, out)
  request.onProgress?.({ phase: 'finished', total: items.length, done: items.length })

  return {
    out,
    labelSet,
    images: items.length,
    faces: items.reduce((n, item) => n + item.faces.length, 0),
    unreadable: images.length - readable.length,
    notInSet: readable.length - inSet.length,
    filteredImages: inSet.length - kept.length,
    filteredFaces,
    splits: Object.fromEntries([...groups].map(([k, list]) => [k || 'all', list.length])),
    stats: ctx.stats,
    notes: describeLosses(request.format, items, ctx.stats),
  }
}

/**
 * An export replaces `out` as a whole, so `out` must not hold what the export is made from,
 * and anything already there is replaced only when asked: a mistyped path must not cost a
 * folder of work.
 */
function checkOutput(
  out: string,
  { root, dbFile, overwrite }: { root: string; dbFile: string; overwrite: boolean },
): void {
  const holds = (path: string) => {
    const rel = relative(out, path)
    return path !== '' && !rel.startsWith('..') && !isAbsolute(rel)
  }
  if (holds(root) || (isAbsolute(dbFile) && holds(dbFile))) {
    throw new Error(
      `${out} holds the dataset's images (${root}) or its label store; export to a path ` +
        'outside both',
    )
  }
  const info = statSync(out, { throwIfNoEntry: false })
  if (!info || overwrite) return
  if (info.isDirectory() && readdirSync(out).length === 0) return
  throw new Error(
    `${out} already exists${info.isDirectory() ? ' and is not empty' : ''}; choose a new ` +
      'path, or allow replacing it (--overwrite, or "replace" in the export dialog)',
  )
}

async function writeAll(
  request: ExportRequest,
  ctx: writers.WriteContext,
  items: writers.ExportItem[],
  groups: Map<string, writers.ExportItem[]>,
) {
  const { format } = request
  const single = !request.split && !request.copyImages

  if (format === 'wider-predictions') {
    const scored = items.map(({ path, faces }) => ({
      path,
      faces: faces.map((face) => ({ box: face.box, score: face.score ?? 1 })),
    }))
    await writePredictionFolder(ctx.temp, scored)
    return
  }
  if (single && (format === 'wider' || format === 'retinaface')) {
    const text =
      format === 'wider'
        ? serializeWiderGt(items, { integers: false })
        : serializeRetinaFaceLabels(items)
    await writeFile(ctx.temp, text)
    return
  }

  for (const [split, list] of groups) {
    if (format === 'wider') await writers.writeWider(ctx, split, list)
    else if (format === 'retinaface') await writers.writeRetinaFace(ctx, split, list)
    else if (format === 'coco') await writers.writeCoco(ctx, split, list)
    else if (format === 'labelme') await writers.writeLabelme(ctx, split, list)
    else if (format === 'aligned') await writers.writeAligned(ctx, split, list)
    else await writers.writeYolo(ctx, split, list, format)
  }
  if (format === 'yolo-face' || format === 'yolo-pose') {
    await writers.writeYoloYaml(ctx, format, [...groups.keys()])
  }
}

/**
 * Paths as labels write them: relative to the nearest `images/` folder (WIDER's form), unless
 * two images would then share a path, in which case the dataset-relative paths are kept.
 */
function labelPaths(relPaths: string[]): string[] {
  const short = relPaths.map(widerPath)
  return new Set(short).size === short.length ? short : relPaths
}

function chooseLabelSet(db: Db, request: ExportRequest): LabelSetRecord {
  const sets = listLabelSets(db, request.datasetId)
  if (request.labelSetId !== undefined) {
    const set = sets.find((s) => s.id === request.labelSetId)
    if (!set) {
      const known = sets.map((s) => `${s.id} ${s.kind} "${s.name}"`).join(', ')
      throw new Error(`No label set ${request.labelSetId} in this dataset; known: ${known}`)
    }
    return set
  }

  if (request.format !== 'wider-predictions') return annotationSet(db, request.datasetId)
  const runs = sets.filter((s) => s.kind === 'predictions')
  if (runs.length === 0) {
    throw new Error('No detection run to export; run `facemark annotate <images-dir>` first')
  }
  return runs.reduce((a, b) => (b.id > a.id ? b : a))
}
