import { API_CHANNELS, channelPath, type ApiChannel } from '@shared/api-channels'
import { ApiError, type ApiResult } from '@shared/api-error'
import type { ApiMethods } from '@shared/api'

type Method = (request: unknown) => Promise<ApiResult<unknown>>

/**
 * The API over the HTTP server (`src/main/api/serve.ts`), built from the same channel list as
 * the preload so both transports expose identical methods. The token comes from the page URL
 * the server printed.
 */
export function httpApi(token: string): ApiMethods<'result'> {
  const domains: Record<string, Record<string, Method>> = {}
  for (const channel of API_CHANNELS) {
    const { domain, method } = channelPath(channel)
    domains[domain] ??= {}
    domains[domain][method] = (request) => post(channel, request, token)
  }
  return domains as unknown as ApiMethods<'result'>
}

async function post(
  channel: ApiChannel,
  request: unknown,
  token: string,
): Promise<ApiResult<unknown>> {
  let response: Response
  try {
    response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-facemark-token': token },
      body: JSON.stringify(request ?? {}),
    })
  } catch {
    return unreachable()
  }

  // Every answer of the server, errors included, is a result envelope; anything else means
  // something other than our server answered.
  try {
    return (await response.json()) as ApiResult<unknown>
  } catch {
    return unreachable()
  }
}

function unreachable(): ApiResult<never> {
  const error = new ApiError('unavailable', 'The facemark server did not answer. Is it running?')
  return { ok: false, error: error.toData() }
}

/** The token from `?token=` in the page URL, which is how the server hands it over. */
export function tokenFromPage(): string {
  return new URLSearchParams(window.location.search).get('token') ?? ''
}

/** The folder from `&open=` in the page URL, which `serve --open` adds to the URL it prints. */
export function startFolderFromPage(): string | null {
  return new URLSearchParams(window.location.search).get('open')
}
