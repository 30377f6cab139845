const TOKEN_KEY = 'wisp.token';

/**
 * The dashboard token: `/?token=T` signs the browser in (kept in localStorage and removed from the
 * address bar so it does not end up in history, bookmarks or screenshots); otherwise the stored one.
 */
export function takeToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    saveToken(fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url);
    return fromUrl;
  }
  return readStored(TOKEN_KEY);
}

export function saveToken(token: string): void {
  writeStored(TOKEN_KEY, token);
}

export function forgetToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage blocked (privacy mode): the token only lived in memory anyway.
  }
}

/** localStorage may throw (blocked storage); the dashboard then works for this tab only. */
export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // See readStored.
  }
}
