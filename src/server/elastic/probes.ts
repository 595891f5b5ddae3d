/**
 * The answers agents ask for before they send: who is there (`GET /`, `HEAD /`: Logstash and
 * Vector read the version, Filebeat refuses versions older than its own), the license and
 * features (`/_license`, `/_xpack`: Logstash and Filebeat check ILM), cluster health (Vector's
 * healthcheck), nodes (sniffing), and the setup they make at start: index templates, ILM
 * policies, ingest pipelines, aliases, data streams and indices. logpipe keeps none of these;
 * it answers that each exists (or was made), so an agent goes on to send. Anything else an
 * Elasticsearch-shaped 404.
 */
import { hostname } from 'node:os';
import type { Context } from 'hono';
import { esError, esJson } from './answers.js';

/** The version announced: an 8.x, which Elasticsearch's 8.x clients and agents all take. */
export const ES_VERSION = '8.19.0';

const CLUSTER = 'logpipe';
const BUILD_DATE = '2025-07-01T00:00:00.000Z';
const LICENSE = {
  status: 'active',
  uid: '00000000-0000-4000-8000-6c6f67706970',
  type: 'basic',
  issue_date: '2025-01-01T00:00:00.000Z',
  issue_date_in_millis: 1735689600000,
  max_nodes: 1000,
  max_resource_units: null,
  issued_to: CLUSTER,
  issuer: 'elasticsearch',
  start_date_in_millis: -1,
};

/** `GET /`: the cluster's name and version. */
export function info(c: Context): Response {
  return esJson(c, {
    name: hostname(),
    cluster_name: CLUSTER,
    cluster_uuid: 'bG9ncGlwZS1sb2dwaXBl',
    version: {
      number: ES_VERSION,
      build_flavor: 'default',
      build_type: 'logpipe',
      build_hash: '0000000000000000000000000000000000000000',
      build_date: BUILD_DATE,
      build_snapshot: false,
      lucene_version: '9.12.2',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  });
}

export function license(c: Context): Response {
  return esJson(c, { license: LICENSE });
}

export function xpack(c: Context): Response {
  const on = { available: true, enabled: true };
  return esJson(c, {
    build: { hash: '0000000', date: BUILD_DATE },
    license: { uid: LICENSE.uid, type: LICENSE.type, mode: LICENSE.type, status: LICENSE.status },
    features: { ilm: on, data_streams: on, monitoring: { available: true, enabled: false } },
    tagline: 'You know, for X',
  });
}

export function clusterHealth(c: Context): Response {
  return esJson(c, {
    cluster_name: CLUSTER,
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 0,
    active_shards: 0,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100,
  });
}

/** `GET /_nodes…`: this one node, at the address the client reached it by (for sniffing clients). */
export function nodes(c: Context): Response {
  const address = c.req.header('host') ?? '127.0.0.1:7280';
  return esJson(c, {
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: CLUSTER,
    nodes: {
      logpipe: {
        name: hostname(),
        version: ES_VERSION,
        roles: ['data', 'ingest', 'master'],
        http: { publish_address: address, bound_address: [address] },
      },
    },
  });
}

/** `PUT` of anything agents set up: taken, kept nowhere. */
export function acknowledged(c: Context): Response {
  return esJson(c, { acknowledged: true });
}

/** `PUT /<index>`: the index is "made"; documents are stored under whatever index they name. */
export function createIndex(c: Context): Response {
  return esJson(c, { acknowledged: true, shards_acknowledged: true, index: c.req.param('index') });
}

/**
 * `GET` of set-up objects by name, answered as present so an agent does not make them again:
 * `/_index_template/<name>`, `/_template/<name>`, `/_component_template/<name>`,
 * `/_ilm/policy/<name>`, `/_ingest/pipeline/<id>`, `/_alias/<name>`, `/_data_stream/<name>`.
 */
export function present(c: Context): Response {
  const parts = c.req.path.split('/').filter((p) => p !== '');
  const kind = parts[0];
  const name = decoded(parts[parts.length - 1] ?? '');
  switch (kind) {
    case '_index_template':
      return esJson(c, {
        index_templates: [{ name, index_template: { index_patterns: [`${name}*`], composed_of: [] } }],
      });
    case '_component_template':
      return esJson(c, { component_templates: [{ name, component_template: { template: {} } }] });
    case '_template':
      return esJson(c, {
        [name]: { order: 0, index_patterns: [`${name}*`], settings: {}, mappings: {}, aliases: {} },
      });
    case '_ilm':
      if (parts[1] === 'status') return esJson(c, { operation_mode: 'RUNNING' });
      return esJson(c, {
        [name]: {
          version: 1,
          modified_date: BUILD_DATE,
          policy: { phases: { hot: { min_age: '0ms', actions: {} } } },
        },
      });
    case '_ingest':
      return esJson(c, { [name]: { description: 'logpipe runs no ingest pipelines', processors: [] } });
    case '_alias':
      return esJson(c, { [name]: { aliases: { [name]: { is_write_index: true } } } });
    case '_data_stream':
      return esJson(c, { data_streams: [{ name, status: 'GREEN', indices: [], template: name }] });
    default:
      return notFound(c);
  }
}

/** An Elasticsearch-shaped 404: no such route, or (for `/<index>/…`) no such index. */
export function notFound(c: Context): Response {
  const first = c.req.path.split('/')[1] ?? '';
  if (first !== '' && !first.startsWith('_')) {
    const index = decoded(first);
    return esError(c, 404, 'index_not_found_exception', `no such index [${index.slice(0, 255)}]`);
  }
  return esError(
    c,
    404,
    'resource_not_found_exception',
    `no handler found for uri [${c.req.path.slice(0, 300)}] and method [${c.req.method}]`,
  );
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
