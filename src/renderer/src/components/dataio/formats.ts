import type { ApiRequest } from '@shared/api'

/** A format of `labels/export`. */
export type ExportFormat = ApiRequest<'labels/export'>['format']
/** A format of `labels/import`. */
export type ImportFormat = ApiRequest<'labels/import'>['format']

/** One choice of the format picker; `folder` when the path names a folder, not a file. */
export interface FormatChoice<F extends string> {
  value: F
  label: string
  folder: (options: { split: boolean; copyImages: boolean }) => boolean
}

const always = () => true
// The text formats are one file in their classic form, a folder once split or with images.
const fileUnlessLaidOut = ({ split, copyImages }: { split: boolean; copyImages: boolean }) =>
  split || copyImages

/** Export formats in the order the CLI lists them, plus evaluation output and crops. */
export const EXPORT_CHOICES: FormatChoice<ExportFormat>[] = [
  { value: 'coco', label: 'COCO keypoints JSON', folder: always },
  { value: 'retinaface', label: 'RetinaFace label.txt', folder: fileUnlessLaidOut },
  { value: 'wider', label: 'WIDER FACE bbx_gt.txt', folder: fileUnlessLaidOut },
  { value: 'yolo-face', label: 'YOLOv5-face', folder: always },
  { value: 'yolo-pose', label: 'Ultralytics YOLO pose', folder: always },
  { value: 'labelme', label: 'labelme JSON', folder: always },
  { value: 'wider-predictions', label: 'WIDER prediction files', folder: always },
  { value: 'aligned', label: 'Aligned 112×112 face crops', folder: always },
]

/**
 * Import formats the dialog offers. `wider-mat` stays with the review panel's ground-truth
 * import, which matches the official files to the open dataset.
 */
export const IMPORT_CHOICES: FormatChoice<ImportFormat>[] = [
  { value: 'retinaface', label: 'RetinaFace label.txt', folder: () => false },
  { value: 'wider', label: 'WIDER FACE bbx_gt.txt', folder: () => false },
  { value: 'coco', label: 'COCO keypoints JSON', folder: () => false },
  { value: 'yolo-face', label: 'YOLOv5-face (labels folder)', folder: always },
  { value: 'yolo-pose', label: 'Ultralytics YOLO pose (labels folder)', folder: always },
  { value: 'labelme', label: 'labelme JSON (folder)', folder: always },
]
