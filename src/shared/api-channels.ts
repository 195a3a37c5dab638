/**
 * The names of every API channel, as plain strings. The sandboxed preload imports this list
 * instead of `api.ts` because it cannot load zod; `api.ts` checks at compile time that its
 * schema map has exactly these keys, so the two cannot drift apart.
 *
 * Names are `domain/verb`. The preload and the renderer client expose each channel as
 * `facemark.<domain>.<verb in camelCase>`.
 */
export const API_CHANNELS = [
  'datasets/list',
  'datasets/get',
  'datasets/open',
  'images/list',
  'images/get',
  'images/set-status',
  'faces/list',
  'faces/create',
  'faces/update',
  'faces/restore',
  'faces/delete',
  'faces/accept',
  'faces/suggest-landmarks',
  'jobs/list',
  'jobs/progress',
  'jobs/cancel',
  'labels/import',
  'labels/export',
  'labels/job',
  'labels/cancel',
  'models/list',
  'models/install',
  'models/cancel',
  'models/remove',
  'models/use',
  'models/add',
  'review/label-sets',
  'review/import-gt',
  'review/compare',
  'review/set-verdict',
  'review/copy-face',
  'review/delete-face',
] as const

/** A channel name of the contract, e.g. `'faces/list'`. */
export type ApiChannel = (typeof API_CHANNELS)[number]

/** The IPC channel name a contract channel travels on, prefixed so it cannot clash. */
export function ipcChannel(channel: ApiChannel): string {
  return `facemark:${channel}`
}

/** IPC channels of the Electron shell only (native dialogs); not part of the HTTP API. */
export const SHELL_CHANNELS = {
  pickFolder: 'facemark-shell:pick-folder',
} as const

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S

/** `images/set-status` -> `images` */
export type ChannelDomain<C extends string> = C extends `${infer D}/${string}` ? D : never

/** `images/set-status` -> `setStatus` */
export type ChannelMethod<C extends string> = C extends `${string}/${infer V}`
  ? CamelCase<V>
  : never

/** Splits a channel name into the domain object and method name it is exposed under. */
export function channelPath(channel: ApiChannel): { domain: string; method: string } {
  const [domain, verb] = channel.split('/')
  const method = verb.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
  return { domain, method }
}
