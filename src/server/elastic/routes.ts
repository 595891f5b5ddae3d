/**
 * The Elasticsearch API logpipe speaks (docs/ingest.md): the bulk routes and the probes agents
 * call at start, on the API's root, behind the same token and stop as `/v1/*`. With a token, an
 * agent may present it as Elasticsearch clients present credentials: `Authorization: Bearer
 * <token>`, `ApiKey <token>` (or base64 of `<any id>:<token>`, as Filebeat and Logstash encode
 * an API key), or Basic with the token as the password (Fluent Bit's `es` output has no other way).
 */
import type { Context, Hono } from 'hono';
import { sameSecret } from '../../core/link-secret.js';
import type { StopGate } from '../stop-gate.js';
import { esError, PRODUCT, PRODUCT_HEADER } from './answers.js';
import { type ElasticRouteDeps, elasticBulk } from './bulk-route.js';
import {
  acknowledged,
  clusterHealth,
  createIndex,
  info,
  license,
  nodes,
  notFound,
  present,
  xpack,
} from './probes.js';

export interface ElasticOptions extends ElasticRouteDeps {
  /** When set, every Elasticsearch route asks for it (see above). */
  token?: string;
  /** The process's stop: refused with 503 once it begins, as the other API routes are. */
  gate?: StopGate;
}

type Run = (c: Context) => Response | Promise<Response>;

/** Adds the Elasticsearch routes to `app`. */
export function addElasticRoutes(app: Hono, opts: ElasticOptions): void {
  /** The token and the stop, then `run`, counted by the stop gate as the other API routes are. */
  const guarded =
    (run: Run) =>
    async (c: Context): Promise<Response> => {
      c.header(PRODUCT_HEADER, PRODUCT);
      if (opts.gate?.signal.aborted) {
        c.header('Retry-After', '1');
        return esError(c, 503, 'node_closed_exception', 'logpipe is stopping');
      }
      if (opts.token !== undefined && !credentialsOk(c.req.header('authorization'), opts.token)) {
        c.header('WWW-Authenticate', 'Basic realm="logpipe", Bearer realm="logpipe", ApiKey');
        return esError(
          c,
          401,
          'security_exception',
          `missing authentication credentials for REST request [${c.req.path.slice(0, 300)}]`,
        );
      }
      const gate = opts.gate?.middleware;
      if (gate === undefined) return run(c);
      let res: Response | undefined;
      const own = await gate(c, async () => {
        res = await run(c);
      });
      return own instanceof Response ? own : (res as Response);
    };

  const bulk = guarded((c) => elasticBulk(c, opts));
  app.post('/_bulk', bulk);
  app.put('/_bulk', bulk);
  app.post('/:index/_bulk', bulk);
  app.put('/:index/_bulk', bulk);

  // The root answers agents; a browser (asking for HTML) goes on to whatever else serves `/`.
  const root = guarded(info);
  app.get('/', (c, next) => (wantsHtml(c) ? next() : root(c)));

  app.get('/_license', guarded(license));
  app.get('/_xpack', guarded(xpack));
  app.get('/_cluster/health', guarded(clusterHealth));
  app.get('/_cluster/health/:index', guarded(clusterHealth));
  app.get('/_nodes', guarded(nodes));
  app.get('/_nodes/*', guarded(nodes));
  for (const path of [
    '/_index_template/:name',
    '/_template/:name',
    '/_component_template/:name',
    '/_ilm/policy/:name',
    '/_ingest/pipeline/:name',
    '/_alias/:name',
    '/_data_stream/:name',
  ]) {
    app.get(path, guarded(present));
    app.put(path, guarded(acknowledged));
    app.post(path, guarded(acknowledged));
  }
  app.get('/_ilm/status', guarded(present));
  app.put('/:index', guarded(createIndex));
  // HEAD /<index> (does it exist?) arrives as a GET; a GET of a page goes on to the other routes.
  const exists = guarded((c) => c.body(null, 200));
  app.get('/:index', (c, next) =>
    c.req.raw.method === 'HEAD' && !c.req.param('index').startsWith('_') ? exists(c) : next(),
  );
  // Anything else of Elasticsearch's (its APIs start with `_`, an index's too).
  const unknown = guarded(notFound);
  app.all('/:api{_[^/]*}', unknown);
  app.all('/:api{_[^/]*}/*', unknown);
  app.all('/:index/:api{_[^/]*}', unknown);
  app.all('/:index/:api{_[^/]*}/*', unknown);
}

function wantsHtml(c: Context): boolean {
  return c.req.raw.method !== 'HEAD' && (c.req.header('accept') ?? '').includes('text/html');
}

/** Whether the Authorization header carries the token in one of the forms above. */
export function credentialsOk(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const sp = header.indexOf(' ');
  if (sp < 0) return false;
  const scheme = header.slice(0, sp).toLowerCase();
  const value = header.slice(sp + 1).trim();
  if (scheme === 'bearer') return sameSecret(value, token);
  if (scheme !== 'basic' && scheme !== 'apikey') return false;
  if (scheme === 'apikey' && sameSecret(value, token)) return true;
  const pair = Buffer.from(value, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  return colon >= 0 && sameSecret(pair.slice(colon + 1), token);
}
