#!/usr/bin/env node
// The installed command runs the bundled CLI; from a source checkout build it first.
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write(
    'facemark: the CLI is not built yet; run `npm run build` (or use `npm run cli --`)\n',
  )
  process.exit(1)
}
await import(cli.href)
