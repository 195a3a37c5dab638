import log from 'electron-log/node'

/**
 * The one logger of the main process, the CLI and the detection workers. Each module asks for
 * a scope so that a line in the log file says where it came from.
 *
 * The console transport writes to stderr at `warn` so that the CLI's stdout stays clean for
 * output a script may parse (`--json`). FACEMARK_LOG_LEVEL raises or lowers it.
 */
const level = (process.env.FACEMARK_LOG_LEVEL ?? 'warn') as 'error' | 'warn' | 'info' | 'debug'
log.transports.console.level = level
log.transports.file.level = process.env.FACEMARK_LOG_FILE ? 'info' : false
if (process.env.FACEMARK_LOG_FILE)
  log.transports.file.resolvePathFn = () => process.env.FACEMARK_LOG_FILE!
log.transports.console.writeFn = ({ message }) => {
  process.stderr.write(`${message.data.map(String).join(' ')}\n`)
}

export type Logger = ReturnType<typeof log.scope>

export function logger(scope: string): Logger {
  return log.scope(scope)
}
