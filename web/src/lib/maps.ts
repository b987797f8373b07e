import type { StyleSpecification } from 'maplibre-gl';
import { session } from './session.svelte';
import { theme } from './theme.svelte';

/** maplibre-gl is large: load it (and its CSS) only when a map is on screen. */
export async function loadMaplibre() {
  const [module] = await Promise.all([import('maplibre-gl'), import('maplibre-gl/dist/maplibre-gl.css')]);
  return module;
}

/** The tile style the admin configured (Immich's map.lightStyle / map.darkStyle). */
export function styleUrl(): string | null {
  const config = session.config;
  if (!config) return null;
  return (theme.current === 'dark' ? config.mapDarkStyleUrl : config.mapLightStyleUrl) || null;
}

/** A style with no tiles at all: a plain backdrop so markers still work when tiles cannot load. */
export function offlineStyle(): StyleSpecification {
  const dark = theme.current === 'dark';
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': dark ? '#1b2230' : '#dde7f0' } }],
  };
}

/** Resolve once the style loaded, or reject on the first error / after `ms`. */
export function styleReady(map: import('maplibre-gl').Map, ms = 6000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Map style timed out')), ms);
    map.once('load', () => {
      clearTimeout(timer);
      resolve();
    });
    map.once('error', (event) => {
      clearTimeout(timer);
      reject(event.error ?? new Error('Map style failed'));
    });
  });
}

export function hasWebGL(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return !!(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}
