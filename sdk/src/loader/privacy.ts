const OPT_OUT_KEY = 'wisp:opt-out';
let optedOut: boolean | undefined;

/** The opt-out is one constant flag in localStorage ('1'): it tells nothing apart from "this browser said no". */
export function isOptedOut(): boolean {
  if (optedOut === undefined) {
    try {
      optedOut = localStorage.getItem(OPT_OUT_KEY) === '1';
    } catch {
      optedOut = false; // storage blocked (sandboxed iframe): remembered for this page only
    }
  }
  return optedOut;
}

export function setOptOut(value: boolean): void {
  optedOut = value;
  try {
    if (value) localStorage.setItem(OPT_OUT_KEY, '1');
    else localStorage.removeItem(OPT_OUT_KEY);
  } catch {}
}

/** Global Privacy Control (https://globalprivacycontrol.github.io/gpc-spec/) or Do Not Track. */
export function hasPrivacySignal(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  return nav.globalPrivacyControl === true || nav.doNotTrack === '1' || (window as { doNotTrack?: string }).doNotTrack === '1';
}
