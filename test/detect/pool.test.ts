import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Detector } from '../../src/main/detect/detector'
import { DetectError } from '../../src/main/detect/errors'
import { DetectorPool } from '../../src/main/detect/pool'
import { casesDir, modelsDir, readTrainLabels, sampleDir } from './helpers'

const images = [...readTrainLabels().keys()]
  .slice(0, 6)
  .map((name) => join(sampleDir, 'train/images', name))

describe('DetectorPool', () => {
  const pool = new DetectorPool({ workers: 2, modelsDir, crashOnRequest: true })
  afterAll(() => pool.close())

  it('runs a batch on two workers and returns the same faces as the in-thread detector', async () => {
    const detector = new Detector({ modelsDir })
    const pooled = await Promise.all(
      images.map((path) => pool.detectFile(path, { mode: 'native' })),
    )

    expect(pool.size).toBe(2)
    for (const [i, path] of images.entries()) {
      const local = await detector.detectFile(path, { mode: 'native' })
      expect(pooled[i].image).toEqual(local.image)
      expect(pooled[i].result.faces).toEqual(local.result.faces)
    }
  })

  it('rejects a damaged file with code decode and a reason, and carries on', async () => {
    const bad = pool.detectFile(join(casesDir, 'damaged-files/BR-17_truncated_60pct.jpg'))
    const good = pool.detectFile(join(casesDir, 'damaged-files/BR-17_ok_reference.jpg'))

    await expect(bad).rejects.toMatchObject({
      code: 'decode',
      message: expect.stringMatching(/truncated JPEG/),
    })
    expect((await good).image).toEqual({ width: 640, height: 480, orientation: 1 })
  })

  it('rejects the pending call when a worker crashes and replaces the worker', async () => {
    const pending = pool.detectFile(images[0])
    pool.crashOneForTest()
    const error = (await pending.catch((e: DetectError) => e)) as DetectError

    // The job was posted first, so worker 0 is busy with it when the crash request arrives.
    expect(error).toBeInstanceOf(DetectError)
    expect(error.code).toBe('worker')
    expect(error.message).toMatch(/crashed while processing .*it was restarted/)

    const again = await Promise.all(images.slice(0, 3).map((path) => pool.detectFile(path)))
    expect(again.every((r) => r.result.faces.length > 0)).toBe(true)
  })
})
