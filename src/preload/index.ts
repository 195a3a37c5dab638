/**
 * Exposes the API on `window.facemark` as one named method per contract channel
 * (`facemark.datasets.open(req)`), each bound to its own IPC channel. The renderer never gets
 * `ipcRenderer` or a generic `invoke(channel)`, so it can call nothing outside the contract.
 *
 * This file runs sandboxed and is bundled as CommonJS: it may import only `electron` and code
 * with no dependencies, which is why it reads the channel list from api-channels.ts (no zod).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'

import { API_CHANNELS, SHELL_CHANNELS, channelPath, ipcChannel } from '../shared/api-channels'
import type { FacemarkBridge, ShellBridge } from '../shared/api'

type Method = (request: unknown) => Promise<unknown>

function buildApi(): Record<string, Record<string, Method>> {
  const domains: Record<string, Record<string, Method>> = {}
  for (const channel of API_CHANNELS) {
    const { domain, method } = channelPath(channel)
    const name = ipcChannel(channel)
    domains[domain] ??= {}
    domains[domain][method] = (request) => ipcRenderer.invoke(name, request)
  }
  return domains
}

const shell: ShellBridge = {
  pickFolder: () => ipcRenderer.invoke(SHELL_CHANNELS.pickFolder),
  pathForFile: (file) =>
    webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]),
}

const bridge = { ...buildApi(), shell } as unknown as FacemarkBridge

contextBridge.exposeInMainWorld('facemark', bridge)
