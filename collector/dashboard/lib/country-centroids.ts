/**
 * Approximate centres [latitude, longitude] of the countries most sites see, written for this
 * dashboard (plain geography facts, no map data set to license). Countries not listed still appear
 * in the list; they are just not drawn as a dot.
 */
export const COUNTRY_CENTROIDS: Record<string, readonly [number, number]> = {
  US: [39, -98], CA: [57, -101], MX: [23, -102], BR: [-10, -52], AR: [-34, -64], CL: [-33, -71],
  CO: [4, -73], PE: [-10, -76], VE: [7, -66], GB: [54, -2], IE: [53, -8], FR: [46.5, 2.5],
  DE: [51, 10], NL: [52.2, 5.5], BE: [50.6, 4.6], ES: [40, -4], PT: [39.5, -8], IT: [42.8, 12.5],
  CH: [46.8, 8.2], AT: [47.5, 14.5], PL: [52, 19], CZ: [49.8, 15.5], SE: [62, 15], NO: [61, 9],
  DK: [56, 10], FI: [64, 26], UA: [49, 32], RU: [60, 90], TR: [39, 35], GR: [39, 22], RO: [46, 25],
  HU: [47, 19.5], IL: [31.5, 35], EG: [26.5, 30], NG: [9, 8], KE: [0.5, 38], ZA: [-29, 25],
  MA: [32, -6], SA: [24, 45], AE: [24, 54], IR: [32, 53], PK: [30, 70], IN: [22, 79],
  BD: [24, 90], CN: [35, 103], JP: [36.5, 138.5], KR: [36.5, 128], TW: [23.7, 121],
  HK: [22.3, 114.2], SG: [1.35, 103.8], ID: [-2, 118], MY: [3.5, 102], TH: [15, 101], VN: [16, 107],
  PH: [12, 122], AU: [-25, 134], NZ: [-41.5, 172.5],
};
