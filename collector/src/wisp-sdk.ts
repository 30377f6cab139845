import { decodeBeacon } from 'wisp/beacon';
import { loadCore, type Core } from 'wisp/core';
import { scrubProps, scrubText, scrubUrl } from 'wisp/scrub';

/**
 * The parts of the `wisp` package the collector uses: the beacon decoder, the scrubber (re-applied
 * server-side, a server-side sender may send anything) and the wasm hashing core.
 */
export interface WispSdk {
  decodeBeacon: (bytes: Uint8Array) => unknown;
  scrubUrl: (url: string) => string;
  scrubText: (text: string) => string;
  scrubProps: typeof scrubProps;
  core: Core;
}

/** Loads the SDK modules (the wasm core is instantiated once). */
export async function loadWispSdk(): Promise<WispSdk> {
  return { decodeBeacon, scrubUrl: (url) => scrubUrl(url), scrubText, scrubProps, core: await loadCore() };
}
