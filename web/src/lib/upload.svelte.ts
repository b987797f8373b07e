import type { AssetMediaResponseDto } from '@immich/sdk';
import { toasts } from './toast.svelte';

export type UploadState = 'queued' | 'uploading' | 'done' | 'duplicate' | 'failed' | 'unsupported';
export type UploadItem = { id: number; name: string; size: number; progress: number; state: UploadState; error?: string; assetId?: string };

const CONCURRENCY = 3;

/** The upload queue: several files at once over XHR (fetch has no upload progress). */
class Uploads {
  items = $state<UploadItem[]>([]);
  open = $state(false);
  /** Bumped whenever an upload creates an asset, so views can refresh. */
  generation = $state(0);
  private files = new Map<number, File>();
  private active = 0;
  private next = 1;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  get pending() {
    return this.items.filter((item) => item.state === 'queued' || item.state === 'uploading').length;
  }

  get summary() {
    const count = (state: UploadState) => this.items.filter((item) => item.state === state).length;
    return { done: count('done'), duplicate: count('duplicate'), failed: count('failed') + count('unsupported') };
  }

  add(files: Iterable<File>) {
    for (const file of files) {
      const id = this.next++;
      this.files.set(id, file);
      const supported = /^(image|video)\//.test(file.type) || /\.(heic|heif|dng|cr2|cr3|nef|arw|raf|orf|rw2|jxl|avif|mkv|mts|m2ts|3gp|insp|xmp)$/i.test(file.name);
      this.items.push({ id, name: file.name, size: file.size, progress: 0, state: supported ? 'queued' : 'unsupported', error: supported ? undefined : 'Not a photo or video' });
    }
    this.open = true;
    this.pump();
  }

  clearFinished() {
    this.items = this.items.filter((item) => item.state === 'queued' || item.state === 'uploading');
    if (this.items.length === 0) this.open = false;
  }

  private pump() {
    while (this.active < CONCURRENCY) {
      const item = this.items.find((candidate) => candidate.state === 'queued');
      if (!item) break;
      this.active++;
      item.state = 'uploading';
      void this.send(item).finally(() => {
        this.active--;
        this.files.delete(item.id);
        this.pump();
        if (this.pending === 0) this.finished();
      });
    }
  }

  private finished() {
    const { done, duplicate, failed } = this.summary;
    const parts = [`${done} uploaded`];
    if (duplicate) parts.push(`${duplicate} already in your library`);
    if (failed) parts.push(`${failed} failed`);
    toasts.show(parts.join(' · '), failed ? 'error' : 'success');
  }

  private send(item: UploadItem): Promise<void> {
    const file = this.files.get(item.id) as File;
    const modified = new Date(file.lastModified || Date.now()).toISOString();
    const form = new FormData();
    form.append('fileCreatedAt', modified);
    form.append('fileModifiedAt', modified);
    form.append('filename', file.name);
    form.append('assetData', file, file.name);
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open('POST', '/api/assets');
      request.withCredentials = true;
      request.setRequestHeader('Accept', 'application/json');
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) item.progress = event.loaded / event.total;
      };
      request.onload = () => {
        let body: (AssetMediaResponseDto & { message?: string }) | undefined;
        try {
          body = JSON.parse(request.responseText);
        } catch {
          body = undefined;
        }
        if (request.status >= 200 && request.status < 300 && body) {
          item.progress = 1;
          item.assetId = body.id;
          item.state = body.status === 'duplicate' ? 'duplicate' : 'done';
          if (item.state === 'done') this.bump();
        } else {
          item.state = 'failed';
          item.error = body?.message ?? `HTTP ${request.status}`;
        }
        resolve();
      };
      request.onerror = () => {
        item.state = 'failed';
        item.error = 'Network error';
        resolve();
      };
      request.send(form);
    });
  }

  private bump() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.generation++, 400);
  }
}

export const uploads = new Uploads();
