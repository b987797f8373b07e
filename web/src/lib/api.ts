/**
 * The API client: Immich's official 3.2.2 SDK (generated from the same OpenAPI spec Albumen
 * implements), pointed at same-origin /api with cookies. Errors come back as oazapfts HttpError
 * with Immich's `{message}` body; `errorMessage` turns any failure into one readable line.
 */
import { isHttpError, setBaseUrl, setFetch } from '@immich/sdk';

setBaseUrl('/api');
setFetch((input, init) => fetch(input, { ...init, credentials: 'include' }));

export * as sdk from '@immich/sdk';

/**
 * Set while viewing a public share page (`/share/KEY`, or `/s/SLUG` for a link with a custom
 * slug); every API call and media URL then carries the link, as Immich's web app does.
 */
export const shareContext: { key?: string; slug?: string } = {};

/** The `key`/`slug` parameters of the current share page, to spread into SDK calls. */
export function shareParams(): { key?: string; slug?: string } {
  return { key: shareContext.key, slug: shareContext.slug };
}

export function onSharePage(): boolean {
  return !!(shareContext.key || shareContext.slug);
}

function withKey(params: URLSearchParams): string {
  if (shareContext.key) params.set('key', shareContext.key);
  if (shareContext.slug) params.set('slug', shareContext.slug);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function thumbnailUrl(id: string, size: 'thumbnail' | 'preview' = 'thumbnail', cacheKey?: string | null) {
  const params = new URLSearchParams({ size });
  if (cacheKey) params.set('c', cacheKey);
  return `/api/assets/${id}/thumbnail${withKey(params)}`;
}

export function originalUrl(id: string, download = false) {
  const params = new URLSearchParams();
  if (download) params.set('download', 'true');
  return `/api/assets/${id}/original${withKey(params)}`;
}

export function playbackUrl(id: string) {
  return `/api/assets/${id}/video/playback${withKey(new URLSearchParams())}`;
}

export function profileImageUrl(userId: string, updatedAt?: string) {
  return `/api/users/${userId}/profile-image${updatedAt ? `?c=${encodeURIComponent(updatedAt)}` : ''}`;
}

export function personThumbnailUrl(personId: string, updatedAt?: string) {
  return `/api/people/${personId}/thumbnail${updatedAt ? `?c=${encodeURIComponent(updatedAt)}` : ''}`;
}

/** HTTP status of a failed call, or 0 when the request never got an answer. */
export function errorStatus(error: unknown): number {
  return isHttpError(error) ? error.status : 0;
}

/** True when the server does not offer this endpoint yet (404 from the router, 501 not implemented). */
export function isUnavailable(error: unknown): boolean {
  const status = errorStatus(error);
  return status === 404 || status === 405 || status === 501;
}

export function errorMessage(error: unknown, fallback = 'Something went wrong'): string {
  if (isHttpError(error)) {
    const data = error.data as { message?: string | string[] } | string | undefined;
    if (data && typeof data === 'object' && data.message) {
      return Array.isArray(data.message) ? data.message.join(', ') : data.message;
    }
    return `${fallback} (HTTP ${error.status})`;
  }
  if (error instanceof Error) return error.message || fallback;
  return fallback;
}
