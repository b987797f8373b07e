import { router } from './router.svelte';

/** How the viewer walks to the next/previous asset of whatever list opened it. */
export type Navigator = {
  neighbour(id: string, step: 1 | -1): Promise<string | null>;
  /** Called after the viewer changed assets (trash, favourite) so the list can refresh. */
  changed?(): void;
};

class ViewerState {
  navigator = $state.raw<Navigator | null>(null);

  get assetId() {
    return router.query.get('asset');
  }

  open(id: string, navigator: Navigator | null) {
    this.navigator = navigator;
    const params = router.query;
    const already = params.has('asset');
    params.set('asset', id);
    router.go(`${router.path}?${params}`, { replace: already, state: { viewer: true } });
  }

  show(id: string) {
    const params = router.query;
    params.set('asset', id);
    router.go(`${router.path}?${params}`, { replace: true, state: { viewer: true } });
  }

  close() {
    if (history.state?.viewer) {
      history.back();
      return;
    }
    const params = router.query;
    params.delete('asset');
    const search = params.toString();
    router.go(`${router.path}${search ? `?${search}` : ''}`, { replace: true });
  }
}

export const viewer = new ViewerState();

/** A navigator over a fixed list of ids (search results, share pages). */
export function listNavigator(ids: () => string[]): Navigator {
  return {
    async neighbour(id, step) {
      const list = ids();
      const position = list.indexOf(id) + step;
      return position >= 0 && position < list.length ? list[position] : null;
    },
  };
}
