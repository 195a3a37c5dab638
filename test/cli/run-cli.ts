import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { modelsDir, repoRoot } from '../support/shared'

const run = promisify(execFile)

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Run the CLI from source the way `npm run cli --` does; never throws on a failing exit. */
export async function facemark(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src/main/cli.ts'), ...args],
      // From the repository, so that `--import tsx` resolves; every path given is absolute.
      { cwd: repoRoot, env: { ...process.env, FACE_MODELS_DIR: modelsDir, ...env } },
    )
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}
