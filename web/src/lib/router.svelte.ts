/** A small history-API router: the path is reactive state, links are intercepted globally. */

class Router {
  path = $state(location.pathname);
  search = $state(location.search);

  constructor() {
    addEventListener('popstate', () => this.sync());
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      event.preventDefault();
      this.go(url.pathname + url.search);
    });
  }

  private sync() {
    this.path = location.pathname;
    this.search = location.search;
  }

  go(to: string, options: { replace?: boolean; state?: Record<string, unknown> } = {}) {
    if (to === location.pathname + location.search) return;
    if (options.replace) history.replaceState(options.state ?? {}, '', to);
    else history.pushState(options.state ?? {}, '', to);
    this.sync();
  }

  back(fallback: string) {
    if (history.state && history.length > 1) history.back();
    else this.go(fallback, { replace: true });
  }

  get query(): URLSearchParams {
    return new URLSearchParams(this.search);
  }
}

export const router = new Router();

/** Match `/albums/:id` style patterns; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < patternParts.length; index++) {
    const part = patternParts[index];
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(pathParts[index]);
    else if (part !== pathParts[index]) return null;
  }
  return params;
}
