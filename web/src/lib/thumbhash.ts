import { thumbHashToDataURL } from 'thumbhash';

// Decoded placeholders are small data URLs; keep a bounded cache so scrolling back is free
// without letting 100,000 of them pile up in memory.
const cache = new Map<string, string>();
const LIMIT = 4000;

export function thumbhashUrl(hash: string | null | undefined): string | undefined {
  if (!hash) return undefined;
  const cached = cache.get(hash);
  if (cached) return cached;
  try {
    const binary = atob(hash);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    const url = thumbHashToDataURL(bytes);
    if (cache.size >= LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(hash, url);
    return url;
  } catch {
    return undefined;
  }
}
