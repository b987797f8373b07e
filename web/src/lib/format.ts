const locale = navigator.language || 'en-US';

/** Local wall-clock date of a timeline asset: UTC instant plus its recorded offset, read as UTC. */
export function localDate(fileCreatedAt: string, offsetHours: number): Date {
  return new Date(new Date(fileCreatedAt).getTime() + offsetHours * 3_600_000);
}

export function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function formatDay(key: string): string {
  const date = new Date(`${key}T00:00:00Z`);
  const now = new Date();
  const sameYear = date.getUTCFullYear() === now.getFullYear();
  return date.toLocaleDateString(locale, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: sameYear ? undefined : 'numeric',
    timeZone: 'UTC',
  });
}

export function formatMonth(bucket: string): string {
  const date = new Date(`${bucket.slice(0, 10)}T00:00:00Z`);
  return date.toLocaleDateString(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function formatDateTime(iso: string, utc = true): string {
  return new Date(iso).toLocaleString(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: utc ? 'UTC' : undefined,
  });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(locale, { dateStyle: 'medium' });
}

/** "Mar 21, 2019 – Nov 22, 2026", or one date when both ends fall on the same day. */
export function formatDateRange(start: string | null | undefined, end: string | null | undefined): string {
  const first = formatDate(start);
  const last = formatDate(end);
  return first && last && first !== last ? `${first} – ${last}` : first || last;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(ms: number | string | null | undefined): string {
  if (ms == null) return '';
  let total: number;
  if (typeof ms === 'string') {
    const [h, m, s] = ms.split(':').map(Number);
    total = (h || 0) * 3600 + (m || 0) * 60 + Math.floor(s || 0);
  } else total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return minutes >= 60 ? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function formatNumber(value: number): string {
  return value.toLocaleString(locale);
}

export function exposureTime(value: string | null | undefined): string {
  if (!value) return '';
  return value.includes('/') ? `${value} s` : `${Number(value) < 1 ? `1/${Math.round(1 / Number(value))}` : value} s`;
}
