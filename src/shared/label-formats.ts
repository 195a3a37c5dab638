/**
 * The label formats a dataset can be read from and written to. One list each, shared by the
 * API contract, the CLI's `--format` choices and the jobs, so none of them can drift.
 */

/** Formats labels can be imported from (wider-predictions is an evaluation output only). */
export const IMPORT_FORMATS = [
  'wider',
  'wider-mat',
  'retinaface',
  'coco',
  'yolo-face',
  'yolo-pose',
  'labelme',
] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** Formats a label set can be exported to; `aligned` writes 112x112 face crops. */
export const EXPORT_FORMATS = [
  'retinaface',
  'wider',
  'wider-predictions',
  'coco',
  'yolo-face',
  'yolo-pose',
  'labelme',
  'aligned',
] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
