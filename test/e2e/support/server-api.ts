import { unwrapResult, type ApiResult } from '../../../src/shared/api-error'
import type { ApiChannel, ApiRequest, ApiResponse } from '../../../src/shared/api'

/**
 * The specs' own line to the server, typed by the contract: what the store holds, read
 * independently of the page, so a spec can compare the drawing against it.
 */
export function serverApi(pageUrl: string) {
  const url = new URL(pageUrl)
  const token = url.searchParams.get('token') ?? ''

  return {
    origin: url.origin,
    token,
    async call<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
      const response = await fetch(`${url.origin}/api/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-facemark-token': token },
        body: JSON.stringify(request),
      })
      return unwrapResult((await response.json()) as ApiResult<ApiResponse<C>>)
    },
  }
}

/** A typed API client of the running e2e server. */
export type ServerApi = ReturnType<typeof serverApi>
