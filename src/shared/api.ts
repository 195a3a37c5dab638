/**
 * THE typed API contract between the renderer and the main process. One map goes from each
 * `domain/verb` channel to the zod schema its request must pass and the type of its response.
 * The main process validates every payload with these schemas before it reaches the store;
 * the preload and the HTTP client derive one named method per channel from the same map.
 *
 * Adding a channel: add its name to `API_CHANNELS`, its entry here, and its handler in
 * `src/main/api/handlers.ts`. The compiler then points at every place still missing it.
 */
import { z } from 'zod'
import type { ApiChannel, ChannelDomain, ChannelMethod } from './api-channels'
import type { ApiErrorData, ApiResult } from './api-error'
import type { DetectedFace } from './face'
import { EXPORT_FORMATS, IMPORT_FORMATS } from './label-formats'
import {
  IMAGE_STATUSES,
  type DatasetRecord,
  type FaceSource,
  type ImageRecord,
  type ImageStatus,
  type LabelSetRecord,
  type StoredFace,
} from './records'
import type { ImportGtSummary, ReviewLabelSet, ReviewReport, Verdict } from './review'

export type { ApiChannel } from './api-channels'

/** One contract entry. `response` is a type-only marker and is never set at runtime. */
export interface ChannelSpec<Req extends z.ZodType, Res> {
  request: Req
  readonly response?: Res
}

function channel<Res>() {
  return <Req extends z.ZodType>(request: Req): ChannelSpec<Req, Res> => ({ request })
}

const id = z.number().int().positive()
const imageStatus = z.enum(IMAGE_STATUSES)
const faceSource = z.enum(['model', 'human', 'import'])
const noPayload = z.strictObject({})
const absolutePath = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'an absolute path')
const share = z.number().finite().min(0).max(1)
const level = z.number().int().min(0).max(2)
const faceIds = z.array(id).min(1).max(10_000)

// Face geometry from the editor: finite numbers only, so NaN never reaches SQLite.
const coord = z.number().finite().min(-1e6).max(1e6)
const boxSchema = z.strictObject({
  x: coord,
  y: coord,
  width: coord.nonnegative(),
  height: coord.nonnegative(),
})
const landmarkSchema = z.strictObject({
  x: coord,
  y: coord,
  visibility: z.enum(['visible', 'occluded', 'absent']),
})
const landmarksSchema = z
  .array(landmarkSchema)
  .refine((points) => points.length === 0 || points.length === 5, 'five landmarks or none')
const attributesSchema = z.strictObject({
  blur: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  expression: z.union([z.literal(0), z.literal(1)]),
  illumination: z.union([z.literal(0), z.literal(1)]),
  occlusion: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  pose: z.union([z.literal(0), z.literal(1)]),
  invalid: z.boolean(),
})
const faceLabelSchema = z.strictObject({
  box: boxSchema,
  score: z.number().min(0).max(1).nullable(),
  landmarks: landmarksSchema,
  attributes: attributesSchema,
  quality: z.number().finite().nullable(),
})

// Compile-time checks that the enums above list exactly the record unions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const _statusCheck: Same<z.infer<typeof imageStatus>, ImageStatus> = true
const _sourceCheck: Same<z.infer<typeof faceSource>, FaceSource> = true
void _statusCheck
void _sourceCheck

/** Where a background job stands. Counts refer to images. */
export interface JobProgress {
  phase: 'queued' | 'scanning' | 'detecting' | 'finished'
  total: number
  done: number
  failed: number
  /** The image being worked on, relative to the dataset root. */
  currentPath: string | null
}

/** What an `annotate-folder` job reports once it has finished. */
export interface AnnotateFolderSummary {
  datasetId: number
  runId: number | null
  images: number
  detected: number
  skipped: number
  faces: number
  failed: { relPath: string; reason: string }[]
}

/** A background job as the renderer polls it through `jobs/progress`. */
export interface JobInfo {
  id: number
  kind: 'annotate-folder'
  datasetId: number
  root: string
  state: 'running' | 'finished' | 'failed' | 'cancelled'
  progress: JobProgress
  summary: AnnotateFolderSummary | null
  error: ApiErrorData | null
  startedAt: string
  finishedAt: string | null
}

/** A label import or export running in the background (`labels/*` channels). */
export interface LabelsJobInfo {
  id: number
  kind: 'import' | 'export'
  state: 'running' | 'finished' | 'failed' | 'cancelled'
  /** `reading`, `probing`, `writing`, `finished`; counts are images. */
  progress: { phase: string; total: number; done: number }
  summary: LabelsJobSummary | null
  error: ApiErrorData | null
  startedAt: string
  finishedAt: string | null
}

/** What a finished import or export reports. */
export interface LabelsJobSummary {
  datasetId: number
  labelSetId: number
  images: number
  faces: number
  /** The export's folder or file; null for imports. */
  out: string | null
  /** Warnings in words: missing images, problems by file and line, what a format dropped. */
  notes: string[]
}

/** The answer of `datasets/open`. */
/** One detector model as the Models page shows it. */
export interface ModelInfo {
  id: string
  name: string
  family: 'retinaface' | 'scrfd'
  /** Shipped with the app (installable) or added by the user. */
  origin: 'builtin' | 'user'
  /** `640x640` for a fixed input, `any` for a model that takes any size. */
  inputSize: string
  state: 'missing' | 'downloading' | 'deriving' | 'verified' | 'derived' | 'corrupt'
  progress: { received: number; total: number } | null
  /** Bytes of an interrupted download that the next install resumes from. */
  partialBytes: number | null
  bytes: number
  sha256: string
  path: string | null
  /** Chosen with `models/use` for its input kind. */
  selected: boolean
  installable: boolean
  error: string | null
}

const modelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/)
  .max(100)
const filePath = z.string().trim().min(1).max(4096)
const triple = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()])

export interface OpenDatasetResponse {
  dataset: DatasetRecord
  /** The import + pre-annotation job started for the folder (or the one already running). */
  job: JobInfo
}

/** The answer of `faces/list`: the faces and the label set they were read from. */
export interface FaceListResponse {
  labelSet: LabelSetRecord
  faces: StoredFace[]
}

/** The answer of `faces/suggest-landmarks`: the detector's best face in the region, if any. */
export interface SuggestLandmarksResponse {
  face: DetectedFace | null
}

/** The answer of `faces/delete`. */
export interface DeleteFacesResponse {
  deleted: number
}

// Review knobs: fractions stay in [0, 1]; a minimum face size is a pixel count.
const fraction = z.number().min(0).max(1)
const reviewOptionsSchema = z.strictObject({
  iouThreshold: fraction.min(0.05).optional(),
  minFaceSize: z.number().min(0).max(10_000).optional(),
  scoreThreshold: fraction.optional(),
  failureThreshold: fraction.optional(),
})

/** The contract: channel name to request schema and (type-only) response. */
export const api = {
  'datasets/list': channel<DatasetRecord[]>()(noPayload),
  'datasets/get': channel<DatasetRecord>()(z.strictObject({ datasetId: id })),
  'datasets/open': channel<OpenDatasetResponse>()(
    z.strictObject({
      /** An absolute folder path; it is imported recursively and pre-annotated. */
      root: z.string().trim().min(1).max(4096),
      name: z.string().trim().min(1).max(200).optional(),
    }),
  ),

  'images/list': channel<ImageRecord[]>()(
    z.strictObject({
      datasetId: id,
      status: imageStatus.optional(),
      source: faceSource.optional(),
    }),
  ),
  'images/get': channel<ImageRecord>()(z.strictObject({ imageId: id })),
  'images/set-status': channel<ImageRecord>()(z.strictObject({ imageId: id, status: imageStatus })),

  /** Faces of one image; the dataset's annotation set unless `labelSetId` names another. */
  'faces/list': channel<FaceListResponse>()(
    z.strictObject({ imageId: id, labelSetId: id.optional() }),
  ),

  /**
   * A face added to the image's annotation set; `human` unless undo re-creates a deleted face
   * with its old provenance (the face then gets a new id).
   */
  'faces/create': channel<StoredFace>()(
    z.strictObject({
      imageId: id,
      face: faceLabelSchema,
      source: faceSource.optional(),
      runId: id.nullable().optional(),
      originFaceId: id.nullable().optional(),
    }),
  ),
  /** A person's edit; an untouched `model` proposal becomes `human`. */
  'faces/update': channel<StoredFace>()(
    z.strictObject({
      faceId: id,
      patch: z.strictObject({
        box: boxSchema.optional(),
        landmarks: landmarksSchema.optional(),
        attributes: attributesSchema.partial().optional(),
      }),
    }),
  ),
  /** Writes a face back to an exact earlier state, provenance included (undo / redo). */
  'faces/restore': channel<StoredFace>()(
    z.strictObject({ faceId: id, face: faceLabelSchema, source: faceSource }),
  ),
  'faces/delete': channel<DeleteFacesResponse>()(z.strictObject({ faceIds })),
  /** Confirms proposals unchanged: `model` becomes `human`, nothing else moves. */
  'faces/accept': channel<StoredFace[]>()(z.strictObject({ faceIds })),
  /** Runs the detector on a crop around a hand-drawn box and returns its best face. */
  'faces/suggest-landmarks': channel<SuggestLandmarksResponse>()(
    z.strictObject({ imageId: id, box: boxSchema }),
  ),

  'jobs/list': channel<JobInfo[]>()(noPayload),
  'jobs/progress': channel<JobInfo>()(z.strictObject({ jobId: id })),
  'jobs/cancel': channel<JobInfo>()(z.strictObject({ jobId: id })),

  /** Imports a label file or folder as a new ground-truth set, in the background. */
  'labels/import': channel<LabelsJobInfo>()(
    z.strictObject({
      format: z.enum(IMPORT_FORMATS),
      path: absolutePath,
      images: absolutePath.optional(),
      name: z.string().trim().min(1).max(200).optional(),
    }),
  ),
  /** Exports a label set in the background; see `facemark export` for the layouts. */
  'labels/export': channel<LabelsJobInfo>()(
    z.strictObject({
      datasetId: id,
      labelSetId: id.optional(),
      format: z.enum(EXPORT_FORMATS),
      out: absolutePath,
      copyImages: z.boolean().optional(),
      overwrite: z.boolean().optional(),
      split: z
        .strictObject({
          by: z.enum(['random', 'event']),
          ratios: z.strictObject({ train: share, val: share, test: share }),
          seed: z.number().int(),
        })
        .optional(),
      filter: z
        .strictObject({
          status: z.array(imageStatus).max(4).optional(),
          minFaceSize: z.number().finite().nonnegative().optional(),
          dropInvalid: z.boolean().optional(),
          maxAttributes: z
            .strictObject({
              blur: level.optional(),
              expression: level.optional(),
              illumination: level.optional(),
              occlusion: level.optional(),
              pose: level.optional(),
            })
            .optional(),
        })
        .optional(),
    }),
  ),
  'labels/job': channel<LabelsJobInfo>()(z.strictObject({ jobId: id })),
  'labels/cancel': channel<LabelsJobInfo>()(z.strictObject({ jobId: id })),

  /** Every known model and its state; poll it while an install runs. */
  'models/list': channel<ModelInfo[]>()(noPayload),
  /** Starts downloading (resuming) or deriving a shipped model in the background. */
  'models/install': channel<ModelInfo[]>()(z.strictObject({ modelId })),
  'models/cancel': channel<ModelInfo[]>()(z.strictObject({ modelId })),
  'models/remove': channel<ModelInfo[]>()(z.strictObject({ modelId })),
  'models/use': channel<ModelInfo[]>()(z.strictObject({ modelId })),
  /** Registers a user's ONNX file after validating it on a sample photo. */
  'models/add': channel<ModelInfo[]>()(
    z.strictObject({
      file: filePath,
      id: modelId,
      sample: filePath,
      mean: triple,
      scale: z.number().positive().optional(),
      channelOrder: z.enum(['BGR', 'RGB']).optional(),
      minSizes: z.array(z.array(z.number().positive()).min(1)).min(1).optional(),
      steps: z.array(z.number().int().positive()).min(1).optional(),
    }),
  ),

  /** Every label set of a dataset with its face count and, for a run, model and parameters. */
  'review/label-sets': channel<ReviewLabelSet[]>()(z.strictObject({ datasetId: id })),
  /** Ground-truth files (.mat folder, bbx_gt.txt, label.txt) into a `ground_truth` set. */
  'review/import-gt': channel<ImportGtSummary>()(
    z.strictObject({ datasetId: id, path: z.string().trim().min(1).max(4096) }),
  ),
  /** Compare two label sets: AP, curves, CED, per-face classes and the error cases. */
  'review/compare': channel<ReviewReport>()(
    z.strictObject({ predSetId: id, gtSetId: id, options: reviewOptionsSchema.optional() }),
  ),
  'review/set-verdict': channel<{ faceId: number; verdict: Verdict | null }>()(
    z.strictObject({ faceId: id, verdict: z.enum(['gt_wrong', 'detector_wrong']).nullable() }),
  ),
  /** A miss into the annotation set, or a missing face into the ground truth. */
  'review/copy-face': channel<StoredFace>()(z.strictObject({ faceId: id, labelSetId: id })),
  /** A wrong face out of the ground truth or the annotation set (never out of a run). */
  'review/delete-face': channel<{ faceId: number }>()(z.strictObject({ faceId: id })),
} satisfies { [C in ApiChannel]: ChannelSpec<z.ZodType, unknown> }

/** The contract's type, for deriving request and response types. */
export type Api = typeof api

/** What a caller passes (before defaults and trimming apply). */
export type ApiRequest<C extends ApiChannel> = z.input<Api[C]['request']>

/** What a handler receives (after validation). */
export type ApiParsedRequest<C extends ApiChannel> = z.output<Api[C]['request']>

/** What a channel answers with when it succeeds. */
export type ApiResponse<C extends ApiChannel> =
  Api[C] extends ChannelSpec<z.ZodType, infer R> ? R : never

/**
 * The API as nested methods, `facemark.images.setStatus(req)`, derived from the channel names.
 * `Wrap` is the return shape: result envelopes over IPC, plain values in the renderer client.
 */
export type ApiMethods<Wrap extends 'result' | 'value'> = {
  [D in ChannelDomain<ApiChannel>]: {
    [C in ApiChannel as ChannelDomain<C> extends D ? ChannelMethod<C> : never]: (
      request: ApiRequest<C>,
    ) => Promise<Wrap extends 'result' ? ApiResult<ApiResponse<C>> : ApiResponse<C>>
  }
}

/** Electron-only extras the preload adds beside the API (native dialog, dropped files). */
export interface ShellBridge {
  /** Shows the native folder picker; the value is null when the user cancels. */
  pickFolder(): Promise<ApiResult<string | null>>
  /** The absolute path of a file or folder dropped on the window (Electron's webUtils). */
  pathForFile(file: object): string
}

/** What the preload puts on `window.facemark`. */
export type FacemarkBridge = ApiMethods<'result'> & { shell: ShellBridge }
