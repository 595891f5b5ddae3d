/**
 * What the generated logs talk about: one imaginary web shop with clients, pages, services and
 * hosts. Every pool and distribution is built once per run (from the run's seed) so the per-line
 * work in the formats is table lookups and string concatenation.
 */
import { createRng, nextInt, nextU32, type Rng } from './prng.js';
import { draw, type Weighted, weighted, zipfWeights } from './weighted.js';

/** Generated levels, in the order used by `LevelWeights`. */
export const GEN_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type GenLevel = (typeof GEN_LEVELS)[number];
export type LevelWeights = Record<GenLevel, number>;

/** Status classes, in the order used by `StatusWeights`. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export type StatusWeights = Record<StatusClass, number>;

/** Default level mix: INFO 70 %, WARN 20 %, ERROR 5 %, DEBUG 5 %. */
export const DEFAULT_LEVEL_WEIGHTS: LevelWeights = { debug: 5, info: 70, warn: 20, error: 5 };
/** Default status mix: mostly success and redirects, a few % client and server errors. */
export const DEFAULT_STATUS_WEIGHTS: StatusWeights = { '2xx': 84, '3xx': 10, '4xx': 4.5, '5xx': 1.5 };

/** An HTTP request line's parts; `idMax` > 0 appends a number to `path`. */
export interface Route {
  method: string;
  path: string;
  idMax: number;
  /** Appended after the number (e.g. `/reviews`). */
  tail: string;
}

const ROUTES: Route[] = [
  r('GET', '/'),
  r('GET', '/api/v1/products', 0),
  r('GET', '/api/v1/products/', 5000),
  r('GET', '/static/js/app.3f9a1c.js'),
  r('GET', '/static/css/main.8d21e0.css'),
  r('GET', '/api/v1/cart'),
  r('GET', '/health'),
  r('POST', '/api/v1/cart/items'),
  r('GET', '/images/products/', 5000, '.jpg'),
  r('GET', '/api/v1/search?q=', 0),
  r('GET', '/favicon.ico'),
  r('GET', '/api/v1/users/', 20000),
  r('POST', '/api/v1/auth/token'),
  r('GET', '/login'),
  r('POST', '/login'),
  r('GET', '/api/v1/orders/', 90000),
  r('POST', '/api/v1/orders'),
  r('GET', '/products/', 5000),
  r('GET', '/api/v1/recommendations'),
  r('PUT', '/api/v1/users/', 20000, '/preferences'),
  r('GET', '/checkout'),
  r('POST', '/api/v1/payments'),
  r('GET', '/robots.txt'),
  r('GET', '/sitemap.xml'),
  r('DELETE', '/api/v1/cart/items/', 800),
  r('GET', '/api/v1/products/', 5000, '/reviews'),
  r('GET', '/blog/'),
  r('GET', '/blog/2026/black-friday-deals'),
  r('GET', '/api/v1/inventory/', 5000),
  r('PATCH', '/api/v1/orders/', 90000),
  r('GET', '/help/shipping'),
  r('GET', '/api/v2/products', 0),
  r('GET', '/admin'),
  r('GET', '/wp-login.php'),
  r('GET', '/.env'),
  r('GET', '/metrics'),
];

function r(method: string, path: string, idMax = 0, tail = ''): Route {
  return { method, path, idMax, tail };
}

const SEARCH_TERMS = [
  'shoes',
  'laptop',
  'coffee+maker',
  'headphones',
  'desk+lamp',
  'backpack',
  'running+shoes',
  'usb-c+cable',
  'monitor',
  'winter+jacket',
];

const USER_AGENTS: [string, number][] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    30,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    14,
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    16,
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
    12,
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0', 8],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    9,
  ],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0', 3],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 3],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 1.5],
  ['curl/8.5.0', 1.5],
  ['python-requests/2.32.3', 1],
  ['Go-http-client/1.1', 0.8],
  ['kube-probe/1.31', 2],
  ['Prometheus/2.55.1', 1],
  ['okhttp/4.12.0', 1.2],
];

const REFERRERS: [string, number][] = [
  ['-', 40],
  ['https://shop.example.com/', 20],
  ['https://www.google.com/', 15],
  ['https://shop.example.com/products/1042', 6],
  ['https://shop.example.com/checkout', 4],
  ['https://www.bing.com/', 3],
  ['https://duckduckgo.com/', 2],
  ['https://t.co/', 2],
  ['https://www.facebook.com/', 2],
  ['https://shop.example.com/blog/2026/black-friday-deals', 2],
  ['android-app://com.google.android.gm/', 1],
];

const AUTH_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

const STATUS_CODES: Record<StatusClass, [number, number][]> = {
  '2xx': [
    [200, 90],
    [201, 5],
    [204, 4],
    [206, 1],
  ],
  '3xx': [
    [304, 60],
    [301, 20],
    [302, 20],
  ],
  '4xx': [
    [404, 55],
    [400, 15],
    [401, 12],
    [403, 10],
    [429, 6],
    [499, 2],
  ],
  '5xx': [
    [500, 45],
    [502, 25],
    [503, 20],
    [504, 10],
  ],
};

/** Services and how many hosts run each. */
const SERVICES: [string, number][] = [
  ['api-gateway', 4],
  ['auth', 2],
  ['catalog', 3],
  ['cart', 2],
  ['checkout', 2],
  ['payments', 2],
  ['search', 3],
  ['inventory', 2],
  ['notifications', 1],
];

/** Message text with an optional number in the middle: `a + n + b` with n in [0, max). */
export interface Template {
  a: string;
  b: string;
  max: number;
}

function t(a: string, max = 0, b = ''): Template {
  return { a, b, max };
}

const MESSAGES: Record<GenLevel, Template[]> = {
  debug: [
    t('cache hit for key product:', 5000),
    t('feature flag new_checkout evaluated to true for user u_', 20000),
    t('sql: SELECT id, name, price FROM products WHERE id = $1 took ', 9, 'ms'),
    t('span started: load-cart'),
    t('connection pool stats: idle=', 20, ' busy=3'),
    t('refreshing config from consul'),
  ],
  info: [
    t('user login succeeded for u_', 20000),
    t('order placed: ord_', 900000),
    t('payment authorised for order ord_', 900000),
    t('cache warmed with ', 5000, ' keys'),
    t('job finished: reindex-products in ', 9000, 'ms'),
    t('connected to database primary db-1'),
    t('email queued for delivery to u_', 20000),
    t('inventory reserved for sku-', 5000),
  ],
  warn: [
    t('slow query took ', 4000, 'ms: SELECT * FROM orders WHERE user_id = $1'),
    t('retrying call to inventory (attempt 2/3)'),
    t('cache miss ratio above threshold: ', 60, '%'),
    t('deprecated API version v1 called by client app-', 40),
    t('rate limit approaching for client 10.2.', 250, '.7'),
    t('token expires in ', 300, 's, refreshing'),
  ],
  error: [
    t('connection reset by peer while calling payments'),
    t('timeout after 5000ms waiting for database'),
    t('failed to charge card for order ord_', 900000, ': card_declined'),
    t('upstream inventory returned 503'),
    t('unhandled exception in OrderService.process: NullPointerException'),
    t('could not publish event order.created: broker unavailable'),
  ],
};

/** Everything a format draws from, prepared for one run. */
export interface Scene {
  ips: string[];
  ipW: Weighted;
  routes: Route[];
  routeW: Weighted;
  searchTerms: string[];
  userAgents: string[];
  userAgentW: Weighted;
  referrers: string[];
  referrerW: Weighted;
  authUsers: string[];
  /** Status class mix in use; swapped like `levelW`. */
  statusClassW: Weighted;
  baseStatusClassW: Weighted;
  spikeStatusClassW: Weighted;
  /** Per status class: codes and their weights. */
  statusCodes: number[][];
  statusCodeW: Weighted[];
  services: string[];
  serviceW: Weighted;
  /** Hosts per service index. */
  hosts: string[][];
  /** Level mix in use; the run swaps in `spikeLevelW` during bursts. */
  levelW: Weighted;
  baseLevelW: Weighted;
  spikeLevelW: Weighted;
  messages: Template[][];
  /** Latencies in ms with a long tail, as text with one decimal, and as tenths. */
  latencyText: string[];
  latencyTenths: Int32Array;
  /** Response sizes in bytes with a long tail. */
  sizeText: string[];
  userIds: string[];
  userIdW: Weighted;
}

/** Options that shape the content (the rest is fixed realism). */
export interface SceneOptions {
  levelWeights?: Partial<LevelWeights>;
  statusWeights?: Partial<StatusWeights>;
  /** ERROR and 5xx weights are multiplied by this in the spike tables (default 5). */
  spikeFactor?: number;
}

const TABLE = 4096;

/** Builds the pools for one run; `seed` fixes the client IPs and user ids. */
export function createScene(seed: number, opts: SceneOptions = {}): Scene {
  const rng = createRng(seed ^ 0x5ce4e);
  const ips = makeIps(rng, 2000);
  const levels = { ...DEFAULT_LEVEL_WEIGHTS, ...opts.levelWeights };
  const statuses = { ...DEFAULT_STATUS_WEIGHTS, ...opts.statusWeights };
  const spike = opts.spikeFactor ?? 5;
  const levelW = weighted(GEN_LEVELS.map((l) => levels[l]));
  const statusClassW = weighted(STATUS_CLASSES.map((c) => statuses[c]));
  const hosts = SERVICES.map(([name, n]) => Array.from({ length: n }, (_, i) => `${name}-${i + 1}`));
  const latencyTenths = new Int32Array(TABLE);
  const sizeText: string[] = [];
  for (let i = 0; i < TABLE; i++) {
    const z = probit((i + 0.5) / TABLE);
    // Median ~25 ms, p99 ~ 800 ms: a lognormal body with a fat tail.
    latencyTenths[i] = Math.max(1, Math.round(10 * Math.exp(Math.log(25) + 1.5 * z)));
    sizeText.push(String(Math.round(Math.exp(Math.log(2400) + 1.3 * z))));
  }
  shuffleInPlace(rng, sizeText);
  const latencyOrder = Array.from(latencyTenths);
  shuffleInPlace(rng, latencyOrder);
  latencyTenths.set(latencyOrder);
  const userIds = Array.from({ length: 5000 }, () => `u_${10000 + nextInt(rng, 90000)}`);
  return {
    ips,
    ipW: weighted(zipfWeights(ips.length, 0.9)),
    routes: ROUTES,
    routeW: weighted(zipfWeights(ROUTES.length, 1.05)),
    searchTerms: SEARCH_TERMS,
    userAgents: USER_AGENTS.map((u) => u[0]),
    userAgentW: weighted(USER_AGENTS.map((u) => u[1])),
    referrers: REFERRERS.map((x) => x[0]),
    referrerW: weighted(REFERRERS.map((x) => x[1])),
    authUsers: AUTH_USERS,
    statusClassW,
    baseStatusClassW: statusClassW,
    spikeStatusClassW: weighted(STATUS_CLASSES.map((c) => statuses[c] * (c === '5xx' ? spike : 1))),
    statusCodes: STATUS_CLASSES.map((c) => STATUS_CODES[c].map((x) => x[0])),
    statusCodeW: STATUS_CLASSES.map((c) => weighted(STATUS_CODES[c].map((x) => x[1]))),
    services: SERVICES.map((s) => s[0]),
    serviceW: weighted(zipfWeights(SERVICES.length, 0.7)),
    hosts,
    levelW,
    baseLevelW: levelW,
    spikeLevelW: weighted(GEN_LEVELS.map((l) => levels[l] * (l === 'error' ? spike : 1))),
    messages: GEN_LEVELS.map((l) => MESSAGES[l]),
    latencyText: Array.from(latencyTenths, tenthsText),
    latencyTenths,
    sizeText,
    userIds,
    userIdW: weighted(zipfWeights(userIds.length, 0.8)),
  };
}

/** `123.4` for 1234 tenths. */
function tenthsText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Draws a status code from the configured class mix. */
export function drawStatus(s: Scene, r: Rng): number {
  const c = draw(s.statusClassW, r);
  return s.statusCodes[c][draw(s.statusCodeW[c], r)];
}

/** Draws a status code from one class (0 = 2xx .. 3 = 5xx). */
export function drawStatusOfClass(s: Scene, r: Rng, c: number): number {
  return s.statusCodes[c][draw(s.statusCodeW[c], r)];
}

/** Draws a request path, filling in ids and search terms. */
export function routePath(s: Scene, r: Rng, route: Route): string {
  if (route.idMax > 0) return route.path + (1 + nextInt(r, route.idMax)) + route.tail;
  if (route.path.endsWith('q=')) return route.path + s.searchTerms[nextInt(r, s.searchTerms.length)];
  return route.path;
}

/** Renders a message template. */
export function renderTemplate(tpl: Template, r: Rng): string {
  return tpl.max > 0 ? tpl.a + nextInt(r, tpl.max) + tpl.b : tpl.a;
}

/** 65,536 four-digit hex strings: two pieces per 32-bit word instead of four. */
const HEX4: readonly string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));

/** `words` * 8 lowercase hex digits (trace ids: 4 words, span ids: 2). */
export function hexId(r: Rng, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) {
    const x = nextU32(r);
    out += HEX4[x >>> 16] + HEX4[x & 0xffff];
  }
  return out;
}

function makeIps(rng: Rng, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    const x = nextU32(rng);
    const a = x >>> 24;
    // Skip reserved first octets so the pool looks like public clients.
    if (a === 0 || a === 10 || a === 127 || a >= 224) continue;
    out.add(`${a}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${1 + (x & 253)}`);
  }
  return [...out];
}

function shuffleInPlace<T>(rng: Rng, a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = nextInt(rng, i + 1);
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
function probit(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -probit(1 - p);
  const q = p - 0.5;
  const r2 = q * q;
  return (
    ((((((a[0] * r2 + a[1]) * r2 + a[2]) * r2 + a[3]) * r2 + a[4]) * r2 + a[5]) * q) /
    (((((b[0] * r2 + b[1]) * r2 + b[2]) * r2 + b[3]) * r2 + b[4]) * r2 + 1)
  );
}
