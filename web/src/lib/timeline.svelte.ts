/**
 * The virtual timeline's model: month buckets from /timeline/buckets, each loaded on demand from
 * /timeline/bucket (Immich's columnar response), laid out as day groups of justified rows. Only
 * months near the viewport keep their assets; the rest keep just their measured height, so memory
 * stays flat however far one scrolls.
 */
import type { AssetVisibility, TimeBucketAssetResponseDto, TimeBucketsResponseDto } from '@immich/sdk';
import justifiedLayout from 'justified-layout';
import { sdk } from './api';
import { dayKey, formatDay, formatMonth, localDate } from './format';

export type TimelineOptions = {
  albumId?: string;
  personId?: string;
  tagId?: string;
  isFavorite?: boolean;
  isTrashed?: boolean;
  visibility?: AssetVisibility;
  withStacked?: boolean;
  withPartners?: boolean;
  key?: string;
  slug?: string;
};

export type Tile = {
  id: string;
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
};

export type Day = { key: string; label: string; top: number; height: number; tiles: Tile[] };

export class Month {
  bucket: string;
  count: number;
  label: string;
  year: number;
  top = 0;
  height = 0;
  measured = false;
  data: TimeBucketAssetResponseDto | null = null;
  days: Day[] = [];
  loading: Promise<void> | null = null;
  lastUsed = 0;

  constructor(bucket: string, count: number) {
    this.bucket = bucket;
    this.count = count;
    this.label = formatMonth(bucket);
    this.year = Number(bucket.slice(0, 4));
  }
}

export const MONTH_HEADER = 56;
export const DAY_HEADER = 40;
const DAY_GAP = 12;
const GAP = 4;
const KEEP_MONTHS = 10;

const prefetched = new Map<string, Promise<TimeBucketsResponseDto[]>>();
const prefetchedBuckets = new Map<string, Promise<TimeBucketAssetResponseDto>>();

/**
 * Start fetching a timeline's buckets before the page that shows it is mounted (the app calls
 * this at boot for /photos, in parallel with loading the session).
 */
export function prefetchBuckets(options: TimelineOptions) {
  const query = timelineQuery(options);
  const key = JSON.stringify(query);
  if (!prefetched.has(key)) {
    const request = sdk.getTimeBuckets(query);
    prefetched.set(key, request);
    // The newest month is what the page shows first: ask for it as soon as its name is known.
    request
      .then((buckets) => {
        const first = buckets[0]?.timeBucket;
        if (!first) return;
        const bucket = sdk.getTimeBucket({ ...query, timeBucket: first });
        bucket.catch(() => prefetchedBuckets.delete(`${key}|${first}`));
        prefetchedBuckets.set(`${key}|${first}`, bucket);
      })
      .catch(() => prefetched.delete(key));
  }
}

function timelineQuery(options: TimelineOptions) {
  return { ...options, withStacked: options.withStacked ?? (options.isTrashed ? undefined : true) };
}

export class TimelineStore {
  months = $state.raw<Month[]>([]);
  /** Bumped whenever positions or loaded data change; views derive from it. */
  version = $state(0);
  total = $state(0);
  loaded = $state(false);
  error = $state<string | null>(null);
  width = 0;
  rowHeight = 235;
  private options: TimelineOptions;
  private clock = 0;
  private firstRowMarked = false;
  /** Called with (delta) when a month above the viewport changed height, to keep the view still. */
  onShift: ((delta: number, above: number) => void) | null = null;

  constructor(options: TimelineOptions) {
    this.options = options;
  }

  get totalHeight() {
    const last = this.months.at(-1);
    return last ? last.top + last.height : 0;
  }

  async init() {
    try {
      const key = JSON.stringify(this.query());
      const early = prefetched.get(key);
      prefetched.delete(key);
      const buckets = await (early ?? sdk.getTimeBuckets(this.query())).catch(() => sdk.getTimeBuckets(this.query()));
      this.months = buckets.map((bucket) => new Month(bucket.timeBucket, bucket.count));
      this.total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
      this.error = null;
    } catch (error) {
      this.months = [];
      this.error = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      this.loaded = true;
      this.relayout();
    }
  }

  /** Reload buckets (after an upload or an action), keeping loaded months' data fresh. */
  async refresh() {
    const previous = new Map(this.months.map((month) => [month.bucket, month]));
    const buckets = await sdk.getTimeBuckets(this.query());
    const months = buckets.map((bucket) => {
      const month = new Month(bucket.timeBucket, bucket.count);
      const old = previous.get(bucket.timeBucket);
      if (old?.measured && old.count === bucket.count) {
        month.height = old.height;
        month.measured = true;
      }
      return month;
    });
    const reloads = months
      .filter((month) => previous.get(month.bucket)?.data)
      .map(async (month) => {
        month.data = await sdk.getTimeBucket({ ...this.query(), timeBucket: month.bucket });
        month.lastUsed = ++this.clock;
      });
    await Promise.all(reloads);
    this.months = months;
    this.total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
    for (const month of months) if (month.data) this.layoutMonth(month);
    this.relayout();
  }

  setWidth(width: number) {
    if (width <= 0 || Math.abs(width - this.width) < 1) return;
    this.width = width;
    this.rowHeight = width < 600 ? 110 : width < 1000 ? 170 : 235;
    for (const month of this.months) {
      month.measured = false;
      if (month.data) this.layoutMonth(month);
    }
    this.relayout();
  }

  /** Make sure the months intersecting [top, bottom] are loaded; evict those long unused. */
  ensure(top: number, bottom: number) {
    for (const month of this.months) {
      if (month.top + month.height < top || month.top > bottom) continue;
      month.lastUsed = ++this.clock;
      if (!month.data && !month.loading) month.loading = this.load(month);
    }
    const loaded = this.months.filter((month) => month.data);
    if (loaded.length > KEEP_MONTHS) {
      loaded.sort((a, b) => a.lastUsed - b.lastUsed);
      for (const month of loaded.slice(0, loaded.length - KEEP_MONTHS)) {
        if (month.top + month.height < top || month.top > bottom) {
          month.data = null;
          month.days = [];
        }
      }
    }
  }

  async load(month: Month) {
    try {
      const key = `${JSON.stringify(this.query())}|${month.bucket}`;
      const early = prefetchedBuckets.get(key);
      prefetchedBuckets.delete(key);
      month.data = await (early ?? sdk.getTimeBucket({ ...this.query(), timeBucket: month.bucket }));
      if (!this.firstRowMarked) performance.mark('albumen:first-bucket-received');
      this.layoutMonth(month);
      if (!this.firstRowMarked) performance.mark('albumen:first-bucket-laid-out');
      if (!this.months.includes(month)) return;
      const oldHeight = month.height;
      month.measured = true;
      month.height = this.measuredHeight(month);
      const delta = month.height - oldHeight;
      this.relayout();
      if (delta !== 0) this.onShift?.(delta, month.top);
    } catch (error) {
      console.warn('timeline bucket failed', month.bucket, error);
    } finally {
      month.loading = null;
    }
  }

  markFirstRow() {
    if (this.firstRowMarked) return;
    this.firstRowMarked = true;
    performance.mark('albumen:first-row-in-dom');
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('albumen:first-row')));
  }

  private query() {
    return timelineQuery(this.options);
  }

  private estimate(month: Month) {
    const width = Math.max(this.width, 200);
    const perRow = Math.max(1, Math.floor(width / (this.rowHeight * 1.4)));
    const rows = Math.ceil(month.count / perRow);
    const days = Math.min(month.count, Math.max(1, Math.round(month.count / 12)));
    return MONTH_HEADER + rows * (this.rowHeight + GAP) + Math.min(days, 20) * (DAY_HEADER + DAY_GAP);
  }

  private measuredHeight(month: Month) {
    const last = month.days.at(-1);
    return MONTH_HEADER + (last ? last.top + last.height : 0) + DAY_GAP;
  }

  private layoutMonth(month: Month) {
    const data = month.data;
    if (!data) return;
    const groups = new Map<string, number[]>();
    for (let index = 0; index < data.id.length; index++) {
      const key = dayKey(localDate(data.fileCreatedAt[index], data.localOffsetHours[index] ?? 0));
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(index);
    }
    const width = Math.max(this.width, 200);
    let top = 0;
    const days: Day[] = [];
    for (const [key, indexes] of groups) {
      const ratios = indexes.map((index) => {
        const ratio = data.ratio[index];
        return Number.isFinite(ratio) && ratio > 0 ? Math.min(Math.max(ratio, 0.3), 4) : 1;
      });
      const layout = justifiedLayout(ratios, {
        containerWidth: width,
        containerPadding: 0,
        boxSpacing: GAP,
        targetRowHeight: this.rowHeight,
        targetRowHeightTolerance: 0.2,
      });
      const tiles = layout.boxes.map((box, position) => ({
        id: data.id[indexes[position]],
        index: indexes[position],
        x: box.left,
        y: box.top + DAY_HEADER,
        width: box.width,
        height: box.height,
      }));
      const height = DAY_HEADER + layout.containerHeight;
      days.push({ key, label: formatDay(key), top, height, tiles });
      top += height + DAY_GAP;
    }
    month.days = days;
  }

  private relayout() {
    let top = 0;
    for (const month of this.months) {
      if (!month.measured) month.height = month.data ? this.measuredHeight(month) : this.estimate(month);
      month.top = top;
      top += month.height;
    }
    this.version++;
  }

  /** Asset ids in display order across loaded months (for range selection and the viewer). */
  *loadedIds(): Generator<string> {
    for (const month of this.months) {
      for (const day of month.days) for (const tile of day.tiles) yield tile.id;
    }
  }

  idsBetween(first: string, second: string): string[] {
    const result: string[] = [];
    let inside = false;
    for (const id of this.loadedIds()) {
      const edge = id === first || id === second;
      if (edge || inside) result.push(id);
      if (edge) {
        if (inside || first === second) return result;
        inside = true;
      }
    }
    return result;
  }

  /** Column value for a loaded asset, or undefined when its month is not in memory. */
  find(id: string): { month: Month; index: number } | undefined {
    for (const month of this.months) {
      const index = month.data?.id.indexOf(id) ?? -1;
      if (index >= 0) return { month, index };
    }
    return undefined;
  }

  /** The asset after/before `id` in display order, loading the neighbouring month if needed. */
  async neighbour(id: string, step: 1 | -1): Promise<string | null> {
    const found = this.find(id);
    if (!found) return null;
    const order = found.month.days.flatMap((day) => day.tiles.map((tile) => tile.id));
    const position = order.indexOf(id) + step;
    if (position >= 0 && position < order.length) return order[position];
    const monthIndex = this.months.indexOf(found.month) + step;
    const next = this.months[monthIndex];
    if (!next) return null;
    if (!next.data) await (next.loading ?? (next.loading = this.load(next)));
    const ids = next.days.flatMap((day) => day.tiles.map((tile) => tile.id));
    return (step === 1 ? ids[0] : ids.at(-1)) ?? null;
  }

  monthAt(offset: number): Month | undefined {
    let low = 0;
    let high = this.months.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.months[middle].top <= offset) low = middle;
      else high = middle - 1;
    }
    return this.months[low];
  }
}
