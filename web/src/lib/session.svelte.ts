import type { ServerConfigDto, ServerFeaturesDto, UserAdminResponseDto } from '@immich/sdk';
import { errorStatus, sdk } from './api';

/** Who is signed in, and what the server offers: loaded once at start, refreshed after login. */
class Session {
  user = $state<UserAdminResponseDto | null>(null);
  config = $state<ServerConfigDto | null>(null);
  features = $state<ServerFeaturesDto | null>(null);
  ready = $state(false);
  offline = $state(false);

  async load() {
    const user = this.refreshUser();
    try {
      const [config, features] = await Promise.all([sdk.getServerConfig(), sdk.getServerFeatures()]);
      this.config = config;
      this.features = features;
      this.offline = false;
    } catch {
      this.offline = true;
    }
    await user;
    this.ready = true;
  }

  async refreshUser() {
    try {
      this.user = await sdk.getMyUser();
    } catch (error) {
      if (errorStatus(error) !== 401 && errorStatus(error) !== 403) console.warn(error);
      this.user = null;
    }
  }

  async logout() {
    try {
      await sdk.logout();
    } catch {
      // The cookie may already be gone; signing out locally is what matters.
    }
    this.user = null;
  }
}

export const session = new Session();
