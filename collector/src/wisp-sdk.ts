import { createHash, createHmac } from 'node:crypto';

/**
 * The parts of the `wisp` package the collector uses: the beacon decoder, the scrubber (re-applied
 * server-side) and the wasm hashing core. Loaded once at start.
 */
export interface WispSdk {
  /** `wisp/beacon`: beacon bytes -> a batch shaped like the JSON API body; throws on bad input. */
  decodeBeacon(bytes: Uint8Array): unknown;
  /** `wisp/scrub`. */
  scrubUrl(url: string): string;
  scrubText(text: string): string;
  scrubProps(props: Record<string, string | number | boolean>): Record<string, string | number | boolean>;
  /** `wisp/core` (wasm): SipHash-2-4 with a 16-byte key. */
  siphash24(key: Uint8Array, data: Uint8Array): bigint;
  /** `wisp/core` (wasm): XXH64. */
  xxh64(data: Uint8Array, seed?: bigint): bigint;
}

interface CoreModule {
  loadCore(): Promise<{ siphash24: WispSdk['siphash24']; xxh64: WispSdk['xxh64'] }>;
}

async function optional<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Loads the SDK modules by name (resolved to sdk/dist through the npm workspace). */
export async function loadWispSdk(): Promise<WispSdk> {
  // Specifiers in variables: the collector must type-check before sdk/dist exists.
  const beaconName = 'wisp/beacon';
  const scrubName = 'wisp/scrub';
  const coreName = 'wisp/core';
  const [beacon, scrub, coreModule] = await Promise.all([
    optional<Pick<WispSdk, 'decodeBeacon'>>(beaconName),
    optional<Pick<WispSdk, 'scrubUrl' | 'scrubText' | 'scrubProps'>>(scrubName),
    optional<CoreModule>(coreName),
  ]);
  const core = coreModule ? await coreModule.loadCore() : undefined;
  return {
    decodeBeacon: beacon?.decodeBeacon ?? unavailableDecoder,
    scrubUrl: scrub?.scrubUrl ?? interimScrubUrl,
    scrubText: scrub?.scrubText ?? interimScrubText,
    scrubProps: scrub?.scrubProps ?? (() => ({})),
    siphash24: core?.siphash24 ?? interimKeyedHash,
    xxh64: core?.xxh64 ?? interimHash,
  };
}

// Interim stand-ins while sdk/dist is not built: same shapes, conservative behaviour.
function unavailableDecoder(): never {
  throw new Error('beacon decoder unavailable (sdk/dist not built)');
}
function interimScrubUrl(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return parsed ? `${parsed.origin}${parsed.pathname}` : '';
}
function interimScrubText(text: string): string {
  return /@|\d{6,}/.test(text) ? '' : text;
}
function interimKeyedHash(key: Uint8Array, data: Uint8Array): bigint {
  return createHmac('sha256', key).update(data).digest().readBigUInt64LE(0);
}
function interimHash(data: Uint8Array): bigint {
  return createHash('sha256').update(data).digest().readBigUInt64LE(0);
}
