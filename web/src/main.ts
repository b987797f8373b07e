import { mount } from 'svelte';
import './app.css';
import { AssetVisibility } from '@immich/sdk';
import App from './App.svelte';
import { prefetchBuckets } from './lib/timeline.svelte';

if (location.pathname === '/photos' || location.pathname === '/') prefetchBuckets({ visibility: AssetVisibility.Timeline });

const app = mount(App, { target: document.getElementById('app') as HTMLElement });

export default app;
