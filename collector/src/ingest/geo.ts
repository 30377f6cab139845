import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';

/** IP -> ISO country code ('' when unknown or private). */
export type CountryLookup = (ip: string) => string;

/** Record shape of ip-location-db country databases. */
interface CountryRecord {
  country_code?: string;
}

/**
 * Opens the offline country database: ip-location-db's geo-whois-asn-country (CC0-1.0, by sapics,
 * from RIR whois, ASN and geofeed data), read with `maxmind`. Nothing leaves the machine.
 */
export async function openCountryLookup(): Promise<CountryLookup> {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
  const reader: Reader<Response> = await maxmind.open<Response>(file, { watchForUpdates: false });
  return (ip) => {
    if (!maxmind.validate(ip)) return '';
    return (reader.get(ip) as CountryRecord | null)?.country_code ?? '';
  };
}
