import { declaredIo, readOnnx, type TensorDecl } from './onnx-graph'

/** A model's declared interface and the layout facemark reads from it. */
export interface ModelInspection {
  input: TensorDecl
  outputs: TensorDecl[]
  /** Input size when the file fixes it, null when height and width are symbolic. */
  fixedSize: { width: number; height: number } | null
  family: 'retinaface' | 'scrfd'
  /** RetinaFace: output names by role. */
  retinaface?: { loc: string; conf: string; landmarks: string }
  /** SCRFD: output names per stride level, finest first as the file lists them. */
  scrfd?: { scores: string[]; boxes: string[]; keypoints: string[] }
  /** What the file cannot tell and the user must give. */
  needs: string[]
}

/** Raised when a file cannot serve as a face detector here; the message says why. */
export class UnfitModelError extends Error {
  readonly code = 'unfit_model'
}

const LAYOUTS =
  'facemark reads RetinaFace layout (three outputs whose last dimension is 4 box deltas, ' +
  '2 class scores and 10 landmark deltas) or SCRFD layout (per stride one score output with ' +
  'last dimension 1, one box output with 4 and one keypoint output with 10)'

function show(t: TensorDecl): string {
  return `${t.name} [${t.dims.map((d) => d ?? '?').join(', ')}]`
}

/**
 * Read a file's declared inputs and outputs and work out which family it is.
 *
 * @throws UnfitModelError when the input is not one 1x3xHxW float image or the outputs fit
 *   neither layout, naming what was found.
 */
export async function inspectModel(path: string): Promise<ModelInspection> {
  const model = await readOnnx(path).catch((error: Error) => {
    throw new UnfitModelError(error.message)
  })
  const { inputs, outputs } = declaredIo(model)

  if (inputs.length !== 1) {
    throw new UnfitModelError(
      `the model has ${inputs.length} inputs (${inputs.map(show).join(', ')}); ` +
        'facemark feeds exactly one 1x3xHxW image',
    )
  }
  const [input] = inputs
  const [batch, channels, height, width] = input.dims
  if (input.dims.length !== 4 || channels !== 3 || input.elementType !== 'FLOAT') {
    throw new UnfitModelError(
      `input ${show(input)} (${input.elementType}) is not a float 1x3xHxW image`,
    )
  }
  if (typeof batch === 'number' && batch !== 1) {
    throw new UnfitModelError(`input ${show(input)} fixes the batch at ${batch}; it must be 1`)
  }
  const fixedSize =
    typeof height === 'number' && typeof width === 'number' ? { width, height } : null

  const last = (t: TensorDecl) => t.dims[t.dims.length - 1]
  const byLast = (n: number) => outputs.filter((t) => last(t) === n).map((t) => t.name)
  const [ones, fours, twos, tens] = [byLast(1), byLast(4), byLast(2), byLast(10)]

  if (outputs.length === 3 && fours.length === 1 && twos.length === 1 && tens.length === 1) {
    return {
      input,
      outputs,
      fixedSize,
      family: 'retinaface',
      retinaface: { loc: fours[0], conf: twos[0], landmarks: tens[0] },
      needs: ['mean', 'minSizes', 'steps'],
    }
  }

  const levels = ones.length
  if (levels > 0 && fours.length === levels && tens.length === levels) {
    if (outputs.length !== 3 * levels)
      throw new UnfitModelError(`${LAYOUTS}; found ${outputs.map(show).join(', ')}`)
    return {
      input,
      outputs,
      fixedSize,
      family: 'scrfd',
      scrfd: { scores: ones, boxes: fours, keypoints: tens },
      needs: ['mean', 'scale'],
    }
  }

  const hint =
    levels > 0 && fours.length === levels && tens.length === 0
      ? ' (this looks like an SCRFD model without the five keypoints, which facemark needs)'
      : ''
  throw new UnfitModelError(`${LAYOUTS}; found ${outputs.map(show).join(', ')}${hint}`)
}
