/**
 * Detection speed on the WIDER sample: per-stage milliseconds per image, end to end, images
 * per second and peak RSS, for letterbox-640 and native modes at 1 and 2 ORT threads, plus
 * letterbox on VGA copies (the <= 25 ms target). Run: `npx tsx bench/detect.ts`.
 * Writes bench/results/detect.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { Detector, type DetectMode } from '../src/main/detect/detector'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const modelsDir = process.env.FACE_MODELS_DIR ?? resolve(root, '../shared/models')
const sampleDir = process.env.FACE_DATA_DIR ?? resolve(root, '../shared/data/widerface-sample')

function listJpegs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jpg'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

/** VGA copies of the sample photos (fit inside 640x480), to measure the 640 target. */
async function vgaCopies(files: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'facemark-vga-'))
  return Promise.all(
    files.map(async (file, i) => {
      const out = join(dir, `${i}.jpg`)
      await sharp(file).resize(640, 480, { fit: 'inside' }).jpeg({ quality: 90 }).toFile(out)
      return out
    }),
  )
}

interface Row {
  set: string
  mode: DetectMode
  threads: number
  images: number
  decodeMs: number
  preprocessMs: number
  inferenceMs: number
  postprocessMs: number
  endToEndMs: number
  imagesPerSecond: number
  faces: number
}

async function measure(
  set: string,
  files: string[],
  mode: DetectMode,
  threads: number,
): Promise<Row> {
  const detector = new Detector({ modelsDir, intraOpNumThreads: threads })
  // Session creation and first-run allocations are not what a batch pays per image.
  await detector.detectFile(files[0], { mode })
  await detector.detectFile(files[0], { mode })

  const sum = { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 }
  let faces = 0
  const start = performance.now()
  for (const file of files) {
    const { result } = await detector.detectFile(file, { mode })
    for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += result.timings[key]
    faces += result.faces.filter((f) => f.score >= 0.5).length
  }
  const total = performance.now() - start

  const per = (ms: number) => Math.round((ms / files.length) * 10) / 10
  return {
    set,
    mode,
    threads,
    images: files.length,
    decodeMs: per(sum.decodeMs),
    preprocessMs: per(sum.preprocessMs),
    inferenceMs: per(sum.inferenceMs),
    postprocessMs: per(sum.postprocessMs),
    endToEndMs: per(total),
    imagesPerSecond: Math.round((files.length / total) * 1000 * 10) / 10,
    faces,
  }
}

const wider = listJpegs(sampleDir)
const vga = await vgaCopies(wider)
const rows: Row[] = []
for (const threads of [1, 2]) {
  rows.push(await measure('vga', vga, 'letterbox', threads))
  rows.push(await measure('wider-1024', wider, 'letterbox', threads))
  rows.push(await measure('wider-1024', wider, 'native', threads))
}

// ru_maxrss is in kilobytes on Linux and macOS.
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
console.table(rows)
console.log(`peak RSS ${peakRssMb} MB (whole run)`)

const out = join(root, 'bench/results')
mkdirSync(out, { recursive: true })
const report = { date: new Date().toISOString(), node: process.version, peakRssMb, rows }
writeFileSync(join(out, 'detect.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(`wrote ${join(out, 'detect.json')}`)
