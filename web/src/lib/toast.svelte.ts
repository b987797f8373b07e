export type Toast = { id: number; kind: 'info' | 'error' | 'success'; text: string };

class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;

  show(text: string, kind: Toast['kind'] = 'info', ms = 4000) {
    const id = this.next++;
    this.items.push({ id, kind, text });
    setTimeout(() => this.dismiss(id), ms);
  }

  error(text: string) {
    this.show(text, 'error', 6000);
  }

  success(text: string) {
    this.show(text, 'success');
  }

  dismiss(id: number) {
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
