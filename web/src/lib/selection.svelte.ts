import { SvelteSet } from 'svelte/reactivity';

/** The multi-selection shared by a page's grid and its action bar. */
export class Selection {
  ids = new SvelteSet<string>();
  anchor: string | null = null;
  dragging = $state<null | boolean>(null);

  get size() {
    return this.ids.size;
  }

  get active() {
    return this.ids.size > 0;
  }

  has(id: string) {
    return this.ids.has(id);
  }

  toggle(id: string) {
    if (this.ids.has(id)) this.ids.delete(id);
    else this.ids.add(id);
    this.anchor = id;
  }

  set(id: string, selected: boolean) {
    if (selected) this.ids.add(id);
    else this.ids.delete(id);
  }

  addAll(ids: Iterable<string>) {
    for (const id of ids) this.ids.add(id);
  }

  clear() {
    this.ids.clear();
    this.anchor = null;
  }

  list() {
    return [...this.ids];
  }
}
