/**
 * Access-log request lines prepared per route: `GET /api/v1/products/` + id + ` HTTP/1.1" `.
 * Shared by the Apache and nginx access formats so their fixed text is concatenated once.
 */
import type { Scene } from '../scene.js';

/** A route's request line around its variable part; `idMax` > 0 an id, < 0 a search term, 0 none. */
export interface RequestLine {
  head: string;
  tail: string;
  idMax: number;
}

/** The request line of every scene route, in route order. */
export function requestLines(scene: Scene): RequestLine[] {
  return scene.routes.map((route) => {
    const head = `${route.method} ${route.path}`;
    if (route.idMax > 0) return { head, tail: `${route.tail} HTTP/1.1" `, idMax: route.idMax };
    if (route.path.endsWith('q=')) return { head, tail: ' HTTP/1.1" ', idMax: -scene.searchTerms.length };
    return { head: `${head} HTTP/1.1" `, tail: '', idMax: 0 };
  });
}
