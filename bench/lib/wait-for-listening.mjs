/**
 * Resolves `{ child, url }` once a spawned server prints its `listening on http://…` line (the
 * collector's ready line, also printed by the benches' ceiling servers); rejects if it exits first.
 */
export function waitForListening(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready: ${out}`)));
  });
}
