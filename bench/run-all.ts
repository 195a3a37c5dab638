import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * `npm run bench`: every benchmark in this folder, one child process each so that one's peak
 * memory does not colour the next. Each prints its own table and writes bench/results/*.json.
 * Pass names to run a subset: `npm run bench -- detect eval`.
 */
const dir = fileURLToPath(new URL('.', import.meta.url))
const wanted = process.argv.slice(2)
const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.ts') && name !== 'run-all.ts')
  .map((name) => name.slice(0, -3))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort()

let failed = 0
for (const name of benches) {
  console.log(`\n=== bench/${name}.ts ===`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed += 1
}
process.exitCode = failed ? 1 : 0
