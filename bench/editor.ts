/// <reference lib="dom" />
/**
 * The editor with a crowd: one sample photo carrying 1,000 synthetic faces (box, five
 * landmarks, score) in a fresh database, beside 20,000 more image rows, served by the HTTP
 * server and driven in Chromium with playwright-core. Measures how long the 1,000-face image
 * takes to open (click to painted), the frame intervals and paint times during scripted
 * wheel zoom and drag pan, and frame intervals while the 20,000-row list scrolls.
 *
 * Run: `npm run build && npx tsx bench/editor.ts` (or `npm run bench -- editor`).
 * Writes bench/results/editor.json. CHROMIUM_PATH picks the browser (default /usr/bin/chromium).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import sharp from 'sharp'

import { DEFAULT_ATTRIBUTES, type FaceLabel } from '../src/shared/face'
import { createApi } from '../src/main/api/handlers'
import { startHttpServer } from '../src/main/api/http-server'
import { createAppContext } from '../src/main/jobs/context'
import { ensureDataset } from '../src/main/store/datasets'
import { writeFace } from '../src/main/store/faces'
import { upsertImage } from '../src/main/store/images'
import { annotationSet } from '../src/main/store/label-sets'
import { now } from '../src/main/store/statements'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const sampleDir = process.env.FACE_DATA_DIR ?? resolve(root, '../shared/data/widerface-sample')
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FACES = 1000
const EXTRA_IMAGES = 20_000
const OPENS = 7

/** A deterministic pseudo-random sequence, so every run places the same faces. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0
    return seed / 2 ** 32
  }
}

/** Faces on a jittered grid over the photo, 12 to 60 px, each with plausible landmarks. */
function crowd(width: number, height: number): FaceLabel[] {
  const rand = random(7)
  const cols = Math.ceil(Math.sqrt((FACES * width) / height))
  const rows = Math.ceil(FACES / cols)
  const cellW = width / cols
  const cellH = height / rows
  return Array.from({ length: FACES }, (_, i) => {
    const side = Math.min(cellW, cellH) * (0.3 + rand() * 0.55)
    const x = (i % cols) * cellW + rand() * (cellW - side)
    const y = Math.floor(i / cols) * cellH + rand() * (cellH - side)
    const at = (fx: number, fy: number) => ({
      x: x + fx * side,
      y: y + fy * side,
      visibility: 'visible' as const,
    })
    return {
      box: { x, y, width: side, height: side * 1.2 },
      score: 0.5 + rand() * 0.5,
      landmarks: [at(0.3, 0.45), at(0.7, 0.45), at(0.5, 0.65), at(0.35, 0.85), at(0.65, 0.85)],
      attributes: { ...DEFAULT_ATTRIBUTES },
      quality: null,
    }
  })
}

/** The sample photo with the most pixels: the hardest to pan. */
async function largestSample(): Promise<{ file: string; width: number; height: number }> {
  const files = readdirSync(sampleDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jpg'))
    .map((e) => join(e.parentPath, e.name))
  let best = { file: '', width: 0, height: 0 }
  for (const file of files) {
    const { width = 0, height = 0 } = await sharp(file).metadata()
    if (width * height > best.width * best.height) best = { file, width, height }
  }
  return best
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const round = (v: number) => Math.round(v * 10) / 10
  return {
    n: values.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted.at(-1) ?? 0),
  }
}

/** Click a list row and time it until the viewer says the image is painted. */
async function timeOpen(page: Page, imageId: number): Promise<number> {
  return page.evaluate(async (id) => {
    const viewer = document.querySelector('[data-testid="viewer"]')!
    const row = document.querySelector<HTMLElement>(
      `[data-testid="image-row"][data-image-id="${id}"]`,
    )!
    const started = performance.now()
    row.click()
    await new Promise<void>((done) => {
      const check = () => {
        if (
          viewer.getAttribute('data-image-id') === String(id) &&
          viewer.getAttribute('data-state') === 'ready'
        ) {
          observer.disconnect()
          done()
        }
      }
      const observer = new MutationObserver(check)
      observer.observe(viewer, { attributes: true })
      check()
    })
    return performance.now() - started
  }, imageId)
}

/** Records requestAnimationFrame intervals until `stop` resolves. */
async function recordFrames(page: Page, action: () => Promise<void>) {
  await page.evaluate(() => {
    const w = window as unknown as {
      __frames: number[]
      __recording: boolean
      __paintStart: number
      __facemarkPaintTimes: number[]
    }
    w.__frames = []
    w.__recording = true
    w.__paintStart = w.__facemarkPaintTimes.length
    let last = performance.now()
    const tick = (t: number) => {
      w.__frames.push(t - last)
      last = t
      if (w.__recording) requestAnimationFrame(tick)
    }
    requestAnimationFrame((t) => {
      last = t
      requestAnimationFrame(tick)
    })
  })
  await action()
  return page.evaluate(() => {
    const w = window as unknown as {
      __frames: number[]
      __recording: boolean
      __paintStart: number
      __facemarkPaintTimes: number[]
    }
    w.__recording = false
    return { frames: w.__frames.slice(1), paints: w.__facemarkPaintTimes.slice(w.__paintStart) }
  })
}

async function main(): Promise<void> {
  if (!existsSync(resolve(root, 'out/renderer/index.html')))
    throw new Error('run `npm run build` first')
  const dir = mkdtempSync(join(tmpdir(), 'facemark-bench-editor-'))
  const photos = join(dir, 'photos')
  mkdirSync(photos)
  const sample = await largestSample()
  copyFileSync(sample.file, join(photos, 'crowd.jpg'))
  const small = join(photos, 'small.jpg')
  await sharp(sample.file).resize(640).jpeg().toFile(small)

  // The store: the crowd image, a light one to switch to, and 20,000 rows for the list.
  const ctx = createAppContext({ dbFile: join(dir, 'bench.sqlite') })
  const dataset = ensureDataset(ctx.db, photos)
  const meta = (width: number, height: number) => ({
    width,
    height,
    orientation: 1,
    sha256: null,
    byteSize: null,
  })
  const crowdImage = upsertImage(ctx.db, dataset.id, 'crowd.jpg', meta(sample.width, sample.height))
  const { width: sw = 0, height: sh = 0 } = await sharp(small).metadata()
  const lightImage = upsertImage(ctx.db, dataset.id, 'small.jpg', meta(sw, sh))
  const set = annotationSet(ctx.db, dataset.id)
  ctx.db.transaction(() => {
    const at = now()
    for (const face of crowd(sample.width, sample.height))
      writeFace(ctx.db, set.id, crowdImage.id, face, 'model', {}, at)
    for (let i = 0; i < EXTRA_IMAGES; i++) {
      upsertImage(
        ctx.db,
        dataset.id,
        `synthetic/${String(i).padStart(5, '0')}.jpg`,
        meta(1024, 768),
      )
    }
  })()

  const api = createApi(ctx, {
    annotate: async (_ctx, _root, options) => {
      options?.onProgress?.({
        datasetId: dataset.id,
        phase: 'finished',
        total: 0,
        done: 0,
        failed: 0,
        currentPath: null,
      })
      return {
        datasetId: dataset.id,
        runId: 0,
        images: 0,
        detected: 0,
        skipped: 0,
        faces: 0,
        failed: [],
      }
    },
  })
  const server = await startHttpServer({ api, rendererDir: resolve(root, 'out/renderer') })
  const browser = await chromium.launch({
    executablePath: existsSync(chromiumPath) ? chromiumPath : undefined,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })

  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    })
    // tsx keeps function names with a helper the page does not have; give it a no-op one.
    await page.addInitScript('window.__name = (fn) => fn')
    await page.goto(server.url)
    const listStarted = Date.now()
    await page.getByTestId('folder-path').fill(photos)
    await page.getByTestId('open-folder-submit').click()
    await page.waitForSelector(`[data-testid="image-list"][data-count="${EXTRA_IMAGES + 2}"]`)
    const listMs = Date.now() - listStarted

    // Opens: the first is cold (server decodes the photo), the rest switch back and forth.
    const opens: number[] = []
    for (let i = 0; i < OPENS; i++) {
      opens.push(await timeOpen(page, crowdImage.id))
      await timeOpen(page, lightImage.id)
    }
    await timeOpen(page, crowdImage.id)
    await page.waitForTimeout(300)

    const canvas = (await page.getByTestId('viewer-canvas').boundingBox())!
    const cx = canvas.x + canvas.width / 2
    const cy = canvas.y + canvas.height / 2
    const zoomPan = await recordFrames(page, async () => {
      await page.mouse.move(cx, cy)
      for (let i = 0; i < 12; i++) {
        await page.mouse.wheel(0, -120)
        await page.waitForTimeout(16)
      }
      await page.keyboard.down(' ')
      await page.mouse.down()
      for (let i = 0; i < 60; i++) await page.mouse.move(cx - i * 6, cy - i * 3)
      await page.mouse.up()
      await page.keyboard.up(' ')
      for (let i = 0; i < 12; i++) {
        await page.mouse.wheel(0, 120)
        await page.waitForTimeout(16)
      }
      // Fit view, the whole crowd on screen: pan across it.
      await page.keyboard.press('f')
      await page.keyboard.down(' ')
      await page.mouse.down()
      for (let i = 0; i < 60; i++) await page.mouse.move(cx + (i % 20) * 5, cy + (i % 20) * 2)
      await page.mouse.up()
      await page.keyboard.up(' ')
    })

    // A fast flick: 600 px (about 14 rows) per frame, 200 frames, about 2,700 rows travelled.
    const listScroll = await recordFrames(page, async () => {
      await page.evaluate(async () => {
        const scroller = document.querySelector(
          '[data-testid="image-list"] .scroller',
        ) as HTMLElement
        for (let i = 0; i < 200; i++) {
          scroller.scrollTop += 600
          await new Promise((done) => requestAnimationFrame(done))
        }
      })
    })

    const result = {
      image: {
        file: sample.file.replace(`${sampleDir}/`, ''),
        width: sample.width,
        height: sample.height,
      },
      faces: FACES,
      listImages: EXTRA_IMAGES + 2,
      browser: 'Chromium headless, software rendering (--disable-gpu), 1440x900, DPR 1',
      listOpenMs: listMs,
      openMs: { cold: Math.round(opens[0]), ...stats(opens.slice(1)) },
      zoomPanFrameMs: stats(zoomPan.frames),
      zoomPanPaintMs: stats(zoomPan.paints),
      listScrollFrameMs: stats(listScroll.frames),
      createdAt: new Date().toISOString(),
    }

    console.table({
      'open 1,000-face image, cold (ms)': { value: result.openMs.cold },
      'open, warm p50 / p95 / max (ms)': {
        value: `${result.openMs.p50} / ${result.openMs.p95} / ${result.openMs.max}`,
      },
      'zoom + pan frame interval p50 / p95 / max (ms)': {
        value: `${result.zoomPanFrameMs.p50} / ${result.zoomPanFrameMs.p95} / ${result.zoomPanFrameMs.max} (${result.zoomPanFrameMs.n} frames)`,
      },
      'paint of 1,000 faces p50 / p95 / max (ms)': {
        value: `${result.zoomPanPaintMs.p50} / ${result.zoomPanPaintMs.p95} / ${result.zoomPanPaintMs.max} (${result.zoomPanPaintMs.n} paints)`,
      },
      '20,002-row list: open (ms)': { value: result.listOpenMs },
      'list scroll frame interval p50 / p95 / max (ms)': {
        value: `${result.listScrollFrameMs.p50} / ${result.listScrollFrameMs.p95} / ${result.listScrollFrameMs.max}`,
      },
    })
    mkdirSync(resolve(root, 'bench/results'), { recursive: true })
    writeFileSync(
      resolve(root, 'bench/results/editor.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    )
  } finally {
    await browser.close()
    api.close()
    await server.close()
    await ctx.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
