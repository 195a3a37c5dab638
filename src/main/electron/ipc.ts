import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron'

import { API_CHANNELS, SHELL_CHANNELS, ipcChannel } from '../../shared/api-channels'
import { ApiError, type ApiResult } from '../../shared/api-error'
import type { ApiService } from '../api/handlers'
import { logger } from '../log'

const log = logger('electron/ipc')

/** Decides whether an IPC message comes from our own page (see `isTrustedFrame`). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/**
 * Registers one IPC handler per contract channel, each behind the sender check, so the
 * renderer can reach exactly the channels of the contract and nothing else. Payloads are
 * validated inside `dispatch`, as for HTTP.
 */
export function registerApiIpc(api: ApiService, isTrusted: SenderCheck): void {
  for (const channel of API_CHANNELS) {
    ipcMain.handle(ipcChannel(channel), async (event, payload: unknown) => {
      if (!isTrusted(event)) return refuse(event, channel)
      return api.dispatch(channel, payload)
    })
  }

  ipcMain.handle(SHELL_CHANNELS.pickFolder, async (event): Promise<ApiResult<string | null>> => {
    if (!isTrusted(event)) return refuse(event, SHELL_CHANNELS.pickFolder)
    const window = BrowserWindow.fromWebContents(event.sender)
    const options = { title: 'Open a folder of images', properties: ['openDirectory' as const] }
    const picked = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options)
    return { ok: true, value: picked.canceled ? null : (picked.filePaths[0] ?? null) }
  })
}

/** Removes what `registerApiIpc` added, so a test or a reload can register again. */
export function unregisterApiIpc(): void {
  for (const channel of API_CHANNELS) ipcMain.removeHandler(ipcChannel(channel))
  ipcMain.removeHandler(SHELL_CHANNELS.pickFolder)
}

function refuse(event: IpcMainInvokeEvent, channel: string): ApiResult<never> {
  log.warn(`refused ${channel} from ${event.senderFrame?.url ?? 'a destroyed frame'}`)
  return { ok: false, error: new ApiError('forbidden', 'This page may not use the API.').toData() }
}

/**
 * True when the message comes from the main frame of one of our windows showing our own page.
 * A sub-frame or a page that navigated elsewhere (both should be impossible) gets nothing.
 */
export function isTrustedFrame(event: IpcMainInvokeEvent, isOurUrl: (url: URL) => boolean) {
  const frame = event.senderFrame
  if (!frame || frame !== event.sender.mainFrame) return false
  try {
    return isOurUrl(new URL(frame.url))
  } catch {
    return false
  }
}
