import type { Handler } from './handler.js';
import { HttpError } from './http-error.js';

interface Route {
  method: string;
  /** Exact path, or a prefix when it ends with `/*`. */
  path: string;
  handler: Handler;
}

/** A minimal method + path router; the first matching route wins. 404/405 as HttpError. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, path, handler });
    return this;
  }

  readonly handle: Handler = (request, context) => {
    const path = new URL(request.url).pathname;
    let pathMatched = false;
    for (const route of this.routes) {
      const matches = route.path.endsWith('/*')
        ? path === route.path.slice(0, -2) || path.startsWith(route.path.slice(0, -1))
        : path === route.path;
      if (!matches) continue;
      pathMatched = true;
      if (route.method === request.method || (route.method === 'GET' && request.method === 'HEAD')) {
        return route.handler(request, context);
      }
    }
    if (pathMatched) throw new HttpError(405, 'method_not_allowed', `${request.method} not allowed on ${path}`);
    throw new HttpError(404, 'not_found', `no route for ${path}`);
  };
}
