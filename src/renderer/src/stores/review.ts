import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'

import type { ApiError } from '@shared/api-error'
import type { Box } from '@shared/face'
import {
  DEFAULT_REVIEW_OPTIONS,
  type CaseKind,
  type ImportGtSummary,
  type ReviewCase,
  type ReviewLabelSet,
  type ReviewOptions,
  type ReviewReport,
  type SizeBand,
  type Verdict,
} from '@shared/review'
import { client } from '@renderer/api/client'
import type { ComparisonFace } from '@renderer/canvas/comparison'
import { useAnnotationStore } from './annotation'
import { useImageQueueStore } from './image-queue'
import { asApiError, createTicketer, type RequestStatus } from './request'

/** What the error browser sorts by; each sorts worst first. */
export type CaseSort = 'score' | 'size' | 'iou' | 'nme'

/** Attribute filters of the error browser; null lets every value through. */
export interface CaseFilter {
  kinds: CaseKind[]
  blur: number | null
  occlusion: number | null
  pose: number | null
  sizeBand: SizeBand | null
}

const ALL_KINDS: CaseKind[] = ['fp', 'duplicate', 'miss', 'landmarks']

/**
 * The detector-error review: which two label sets are compared, with which knobs, the report,
 * and the error browser's sort and filter. Every fix re-runs the comparison, so the summary
 * always says what the store holds.
 */
export const useReviewStore = defineStore('review', () => {
  const panelOpen = ref(false)
  const sets = ref<ReviewLabelSet[]>([])
  const predSetId = ref<number | null>(null)
  const gtSetId = ref<number | null>(null)
  const options = ref<ReviewOptions>({ ...DEFAULT_REVIEW_OPTIONS })
  // Large and replaced whole: no deep proxy over 100,000 cases.
  const report = shallowRef<ReviewReport | null>(null)
  const status = ref<RequestStatus>('idle')
  const error = ref<ApiError | null>(null)
  const lastImport = ref<ImportGtSummary | null>(null)

  const sort = ref<CaseSort>('score')
  const filter = ref<CaseFilter>({
    kinds: [...ALL_KINDS],
    blur: null,
    occlusion: null,
    pose: null,
    sizeBand: null,
  })

  const tickets = createTicketer()

  const cases = computed(() => {
    const f = filter.value
    const shown = (report.value?.cases ?? []).filter(
      (c) =>
        f.kinds.includes(c.kind) &&
        (f.blur === null || c.attributes.blur === f.blur) &&
        (f.occlusion === null || c.attributes.occlusion === f.occlusion) &&
        (f.pose === null || c.attributes.pose === f.pose) &&
        (f.sizeBand === null || c.sizeBand === f.sizeBand),
    )
    return shown.sort(byWorst(sort.value))
  })

  const worstImages = computed(() =>
    (report.value?.imageCounts ?? [])
      .filter((image) => image.errors > 0)
      .sort((a, b) => b.errors - a.errors || a.relPath.localeCompare(b.relPath)),
  )

  async function open(): Promise<void> {
    panelOpen.value = true
    await loadSets()
  }

  /** Lists the dataset's sets and picks a default pair: newest run against newest reference. */
  async function loadSets(): Promise<void> {
    const datasetId = useImageQueueStore().datasetId
    if (datasetId === null) return
    try {
      sets.value = await client.api.review.labelSets({ datasetId })
    } catch (cause) {
      error.value = asApiError(cause)
      return
    }
    const known = (id: number | null) => sets.value.some((s) => s.id === id)
    if (!known(predSetId.value)) {
      predSetId.value = sets.value.filter((s) => s.kind === 'predictions').at(-1)?.id ?? null
    }
    if (!known(gtSetId.value)) {
      gtSetId.value =
        sets.value.filter((s) => s.kind === 'ground_truth').at(-1)?.id ??
        sets.value.find((s) => s.kind === 'annotation')?.id ??
        null
    }
  }

  async function importGroundTruth(path: string): Promise<void> {
    const datasetId = useImageQueueStore().datasetId
    if (datasetId === null) return
    error.value = null
    try {
      lastImport.value = await client.api.review.importGt({ datasetId, path })
      gtSetId.value = lastImport.value.labelSet.id
      await loadSets()
      await compare()
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  /** Runs the comparison; a newer run started meanwhile wins. */
  async function compare(): Promise<void> {
    if (predSetId.value === null || gtSetId.value === null) return
    const ticket = tickets.next()
    status.value = 'pending'
    error.value = null
    try {
      const next = await client.api.review.compare({
        predSetId: predSetId.value,
        gtSetId: gtSetId.value,
        // A plain copy: IPC cannot clone a reactive proxy.
        options: { ...options.value },
      })
      if (!tickets.isCurrent(ticket)) return
      report.value = next
      status.value = 'succeeded'
    } catch (cause) {
      if (!tickets.isCurrent(ticket)) return
      error.value = asApiError(cause)
      status.value = 'failed'
    }
  }

  /** A fix, then a fresh comparison so the summary and the list show its effect. */
  async function fix(work: () => Promise<unknown>): Promise<void> {
    try {
      await work()
    } catch (cause) {
      error.value = asApiError(cause)
      return
    }
    await Promise.all([compare(), loadSets()])
  }

  const judge = (c: ReviewCase, verdict: Verdict | null) =>
    fix(() => client.api.review.setVerdict({ faceId: c.faceId, verdict }))

  /** A miss becomes a label of the annotation set. */
  const labelMiss = (c: ReviewCase) => {
    const annotation = sets.value.find((s) => s.kind === 'annotation')
    if (!annotation) return Promise.resolve()
    return fix(() => client.api.review.copyFace({ faceId: c.faceId, labelSetId: annotation.id }))
  }

  /** A detection the reference lacked joins the reference. */
  const addToReference = (c: ReviewCase) =>
    fix(() => client.api.review.copyFace({ faceId: c.faceId, labelSetId: gtSetId.value! }))

  /** The case's face leaves its set (a wrong ground-truth face, a wrong label). */
  const deleteFace = (c: ReviewCase) =>
    fix(() => client.api.review.deleteFace({ faceId: c.faceId }))

  /**
   * Opens a case in the editor: selects its image, then asks the viewer to zoom on the face
   * and draw both compared sets over the editable faces.
   */
  async function openCase(c: ReviewCase): Promise<void> {
    panelOpen.value = false
    await useImageQueueStore().select(c.imageId)
    try {
      const [gt, pred] = await Promise.all([
        client.api.faces.list({ imageId: c.imageId, labelSetId: gtSetId.value! }),
        client.api.faces.list({ imageId: c.imageId, labelSetId: predSetId.value! }),
      ])
      const minScore = options.value.scoreThreshold
      const faces: ComparisonFace[] = [
        ...gt.faces.map((f) => ({ id: f.id, box: f.box, side: 'gt' as const })),
        ...pred.faces
          .filter((f) => (f.score ?? 1) >= minScore || f.id === c.faceId)
          .map((f) => ({ id: f.id, box: f.box, side: 'pred' as const })),
      ]
      useAnnotationStore().showReviewFocus({
        imageId: c.imageId,
        faceId: c.faceId,
        box: withContext(c.box),
        faces,
      })
    } catch (cause) {
      error.value = asApiError(cause)
    }
  }

  /** Opens an image from the worst-first list, without a face in focus. */
  async function openImage(imageId: number): Promise<void> {
    panelOpen.value = false
    useAnnotationStore().showReviewFocus(null)
    await useImageQueueStore().select(imageId)
  }

  return {
    panelOpen,
    sets,
    predSetId,
    gtSetId,
    options,
    report,
    status,
    error,
    lastImport,
    sort,
    filter,
    cases,
    worstImages,
    open,
    loadSets,
    importGroundTruth,
    compare,
    judge,
    labelMiss,
    addToReference,
    deleteFace,
    openCase,
    openImage,
  }
})

/** The area to zoom on: the face with its surroundings, so a 7 px face is not all pixels. */
function withContext(box: Box): Box {
  const side = Math.max(box.width, box.height, 16) * 3
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side }
}

/** Worst first: highest score, smallest face, lowest IoU, highest NME; nulls last. */
function byWorst(key: CaseSort): (a: ReviewCase, b: ReviewCase) => number {
  const value = (c: ReviewCase): number | null =>
    key === 'score' ? c.score : key === 'size' ? -c.size : key === 'iou' ? c.iou : c.nme
  const descending = key !== 'iou'
  return (a, b) => {
    const va = value(a)
    const vb = value(b)
    if (va === null || vb === null) return va === null ? (vb === null ? 0 : 1) : -1
    return descending ? vb - va : va - vb
  }
}
