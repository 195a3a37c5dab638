import { inflateSync } from 'node:zlib'

/**
 * A reader for MATLAB level 5 MAT-files (what `save -v7` writes): zlib-compressed elements,
 * numeric, char, cell and struct arrays. Enough for the WIDER FACE ground truth; sparse,
 * object and function-handle arrays are refused. Layout per MathWorks' "MAT-File Format".
 *
 * Written here rather than taken from npm: `mat-for-js` (the one maintained JS reader) is
 * GPL-3.0, which this MIT tool cannot ship, and node:zlib already does the hard part.
 */

/** A decoded variable. Numeric data of every class is widened to float64, column-major. */
export type MatValue =
  | { type: 'numeric'; className: string; dims: number[]; real: Float64Array; imag?: Float64Array }
  | { type: 'char'; dims: number[]; text: string }
  | { type: 'cell'; dims: number[]; cells: MatValue[] }
  | { type: 'struct'; dims: number[]; fields: string[]; elements: Record<string, MatValue>[] }

// Data element types (miXXX).
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7 }
const MI_DOUBLE = 9
const MI_INT64 = 12
const MI_UINT64 = 13
const MI_MATRIX = 14
const MI_COMPRESSED = 15
const MI_UTF8 = 16

// Array classes (mxXXX_CLASS) in the array-flags element.
const CLASS_NAMES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  4: 'char',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
}

const HEADER_BYTES = 128
const utf8 = new TextDecoder()

/** One tagged element: its type and the view of its payload. */
interface Element {
  type: number
  data: DataView
}

/** Decode every named variable of a MAT-file. */
export function readMat(file: Uint8Array): Map<string, MatValue> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  if (
    file.byteLength < HEADER_BYTES ||
    !String.fromCharCode(...file.subarray(0, 6)).startsWith('MATLAB')
  ) {
    throw new Error('not a MATLAB 5 MAT-file (no "MATLAB" header); was it saved with -v7.3?')
  }
  // The endian indicator is 'MI' written as a 16-bit value: read back as 'IM' on little endian.
  const little = String.fromCharCode(file[126], file[127]) === 'IM'

  const variables = new Map<string, MatValue>()
  for (const element of elements(view, HEADER_BYTES, file.byteLength, little)) {
    const inner = element.type === MI_COMPRESSED ? decompress(element.data, little) : element
    if (inner.type !== MI_MATRIX) continue
    const { name, value } = readMatrix(inner.data, little)
    variables.set(name, value)
  }
  return variables
}

function decompress(data: DataView, little: boolean): Element {
  const bytes = inflateSync(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const [element] = elements(view, 0, bytes.byteLength, little)
  return element
}

/** Walk the tagged elements in [start, end), including the 4-byte "small element" form. */
function elements(view: DataView, start: number, end: number, little: boolean): Element[] {
  const out: Element[] = []
  let at = start
  while (at + 8 <= end) {
    const first = view.getUint32(at, little)
    const small = first >>> 16
    if (small !== 0) {
      // Small element: type and size share the first word, data sits in the second.
      out.push({ type: first & 0xffff, data: slice(view, at + 4, small) })
      at += 8
      continue
    }
    const size = view.getUint32(at + 4, little)
    out.push({ type: first, data: slice(view, at + 8, size) })
    // Compressed elements are not padded; all others end on an 8-byte boundary.
    at += 8 + (first === MI_COMPRESSED ? size : Math.ceil(size / 8) * 8)
  }
  return out
}

function slice(view: DataView, offset: number, length: number): DataView {
  return new DataView(view.buffer, view.byteOffset + offset, length)
}

function readMatrix(data: DataView, little: boolean): { name: string; value: MatValue } {
  if (data.byteLength === 0) {
    return {
      name: '',
      value: { type: 'numeric', className: 'double', dims: [0, 0], real: new Float64Array(0) },
    }
  }
  const [flags, dimsEl, nameEl, ...rest] = elements(data, 0, data.byteLength, little)
  const flagWord = flags.data.getUint32(0, little)
  const classId = flagWord & 0xff
  const complex = (flagWord & 0x0800) !== 0
  const dims = Array.from(numbers(dimsEl, little))
  const name = text(nameEl, little)
  const count = dims.reduce((a, b) => a * b, 1)

  const className = CLASS_NAMES[classId]
  if (!className) throw new Error(`MAT variable "${name}" has unsupported class ${classId}`)

  if (className === 'cell') {
    const cells = rest.slice(0, count).map((el) => readMatrix(el.data, little).value)
    return { name, value: { type: 'cell', dims, cells } }
  }
  if (className === 'struct') return { name, value: readStruct(rest, dims, count, little) }
  if (className === 'char') {
    return { name, value: { type: 'char', dims, text: charText(rest[0], dims, little) } }
  }
  const real = rest[0] ? numbers(rest[0], little) : new Float64Array(0)
  const imag = complex && rest[1] ? numbers(rest[1], little) : undefined
  return { name, value: { type: 'numeric', className, dims, real, imag } }
}

function readStruct(rest: Element[], dims: number[], count: number, little: boolean): MatValue {
  const [lengthEl, namesEl, ...values] = rest
  const width = lengthEl.data.getInt32(0, little)
  const raw = new Uint8Array(namesEl.data.buffer, namesEl.data.byteOffset, namesEl.data.byteLength)
  const fields: string[] = []
  for (let at = 0; at + width <= raw.length; at += width) {
    const bytes = raw.subarray(at, at + width)
    const zero = bytes.indexOf(0)
    fields.push(utf8.decode(zero >= 0 ? bytes.subarray(0, zero) : bytes))
  }

  const elementsOut: Record<string, MatValue>[] = []
  for (let i = 0; i < count; i++) {
    const record: Record<string, MatValue> = {}
    fields.forEach(
      (field, f) => (record[field] = readMatrix(values[i * fields.length + f].data, little).value),
    )
    elementsOut.push(record)
  }
  return { type: 'struct', dims, fields, elements: elementsOut }
}

const BYTES_PER_VALUE: Record<number, number> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
}

/** The payload of a numeric element, whatever its stored type, as float64. */
function numbers(el: Element, little: boolean): Float64Array {
  const d = el.data
  const size = BYTES_PER_VALUE[el.type]
  if (!size) throw new Error(`MAT numeric data of element type ${el.type} is not supported`)

  const out = new Float64Array(Math.floor(d.byteLength / size))
  for (let i = 0; i < out.length; i++) out[i] = value(d, el.type, i * size, little)
  return out
}

function value(d: DataView, type: number, at: number, little: boolean): number {
  switch (type) {
    case MI.INT8:
      return d.getInt8(at)
    case MI.UINT8:
      return d.getUint8(at)
    case MI.INT16:
      return d.getInt16(at, little)
    case MI.UINT16:
      return d.getUint16(at, little)
    case MI.INT32:
      return d.getInt32(at, little)
    case MI.UINT32:
      return d.getUint32(at, little)
    case MI.SINGLE:
      return d.getFloat32(at, little)
    case MI_DOUBLE:
      return d.getFloat64(at, little)
    case MI_INT64:
      return Number(d.getBigInt64(at, little))
    default:
      return Number(d.getBigUint64(at, little))
  }
}

function text(el: Element, little: boolean): string {
  if (el.type === MI_UTF8 || el.type === MI.INT8 || el.type === MI.UINT8) {
    return utf8.decode(new Uint8Array(el.data.buffer, el.data.byteOffset, el.data.byteLength))
  }
  return String.fromCharCode(...numbers(el, little))
}

/** Char arrays are column-major like everything else: rebuild the rows, joined by newlines. */
function charText(el: Element | undefined, dims: number[], little: boolean): string {
  if (!el) return ''
  const flat = text(el, little)
  const rows = dims[0] ?? 1
  if (rows <= 1) return flat

  const cols = flat.length / rows
  const lines: string[] = []
  for (let r = 0; r < rows; r++) {
    let line = ''
    for (let c = 0; c < cols; c++) line += flat[c * rows + r]
    lines.push(line)
  }
  return lines.join('\n')
}
