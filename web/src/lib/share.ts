import type { SharedLinkResponseDto } from '@immich/sdk';
import { session } from './session.svelte';

/** A shared link's public address, as Immich builds it: the external domain when one is set. */
export function sharedLinkUrl(link: SharedLinkResponseDto): string {
  const base = (session.config?.externalDomain || location.origin).replace(/\/$/, '');
  return link.slug ? `${base}/s/${encodeURIComponent(link.slug)}` : `${base}/share/${link.key}`;
}
