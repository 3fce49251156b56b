/** Bumped whenever engine numerics change; recorded in every job manifest. */
export const ENGINE_VERSION = '0.1.0';
