/**
 * The OTLP protobuf reader (server/otlp/logs-wire.ts) is held to protobufjs' decoded message
 * mapped by logs-events.ts: for any well-formed request, the same events with their fields in
 * the same order, the same records refused, the same refusal of the whole request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { otlpLogsToEvents } from '../../src/server/otlp/logs-events.js';
import { otlpTypes } from '../../src/server/otlp/logs-schema.js';
import { otlpProtobufToEvents } from '../../src/server/otlp/logs-wire.js';

const id = { source: 'otlp', generation: 'g', nowMs: 1_764_583_200_123 };

/** The mapper's answer for the same bytes through protobufjs, or the error it throws. */
function reference(bytes: Uint8Array): unknown {
  try {
    return otlpLogsToEvents(otlpTypes().request.decode(bytes), id);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function wire(bytes: Uint8Array): unknown {
  try {
    return otlpProtobufToEvents(bytes, id);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { error: err.message };
  }
}

/** Key order matters (it is the order of the stored fields' JSON): compared as entry lists. */
function ordered(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (_k, x) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.entries(x) : x,
  );
}

const key = fc.constantFrom(
  'service.name',
  'host.name',
  'k',
  'a.b',
  'message',
  'msg',
  '',
  'trace_id',
  'name',
);

const anyValue: fc.Memo<Record<string, unknown>> = fc.memo((n) =>
  fc.oneof(
    { depthSize: 'small' },
    fc.record({ stringValue: fc.string() }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) }),
    fc.record({ doubleValue: fc.double() }),
    fc.record({ bytesValue: fc.uint8Array({ maxLength: 8 }) }),
    fc.constant({}),
    // Two members at once: the reader must pick as the mapper does.
    fc.record({ stringValue: fc.string(), intValue: fc.integer().map(String) }),
    n > 0
      ? fc.record({ arrayValue: fc.record({ values: fc.array(anyValue(n - 1), { maxLength: 3 }) }) })
      : fc.constant({}),
    n > 0
      ? fc.record({
          kvlistValue: fc.record({
            values: fc.array(fc.record({ key, value: fc.option(anyValue(n - 1), { nil: undefined }) }), {
              maxLength: 3,
            }),
          }),
        })
      : fc.constant({}),
  ),
);

const keyValues = fc.array(fc.record({ key, value: fc.option(anyValue(2), { nil: undefined }) }), {
  maxLength: 4,
});

const nanos = fc.oneof(
  fc.constant('0'),
  fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map(String),
  fc.constant('1764583200123456789'),
);

const record = fc.record(
  {
    timeUnixNano: nanos,
    observedTimeUnixNano: nanos,
    severityNumber: fc.integer({ min: -3, max: 30 }),
    severityText: fc.constantFrom('', 'ERROR', 'warn', 'Info'),
    body: anyValue(3),
    attributes: keyValues,
    flags: fc.nat(),
    traceId: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 17 })),
    spanId: fc.oneof(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ maxLength: 9 })),
    eventName: fc.constantFrom('', 'click'),
  },
  { requiredKeys: [] },
);

const request = fc.record({
  resourceLogs: fc.array(
    fc.record(
      {
        resource: fc.record({ attributes: keyValues }),
        scopeLogs: fc.array(
          fc.record(
            {
              scope: fc.record(
                { name: fc.string(), version: fc.string(), attributes: keyValues },
                { requiredKeys: [] },
              ),
              logRecords: fc.array(record, { maxLength: 4 }),
            },
            { requiredKeys: ['logRecords'] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['scopeLogs'] },
    ),
    { maxLength: 3 },
  ),
});

describe('the OTLP protobuf reader', () => {
  it('gives what protobufjs and the mapper give, for any well-formed request', () => {
    const { request: type } = otlpTypes();
    fc.assert(
      fc.property(request, (req) => {
        const bytes = type.encode(type.fromObject(req)).finish();
        expect(ordered(wire(bytes))).toEqual(ordered(reference(bytes)));
      }),
      { numRuns: 1500 },
    );
  });

  it('reads fields in any order on the wire, and the last of a repeated field', () => {
    const { request: type } = otlpTypes();
    const root = type.root;
    const rl = root.lookupType('otlp.ResourceLogs');
    const resource = root.lookupType('otlp.Resource');
    const scopeLogs = Buffer.from(
      rl
        .encode(
          rl.fromObject({
            scopeLogs: [
              { scope: { name: 'sc' }, logRecords: [{ body: { stringValue: 'hi' }, severityNumber: 17 }] },
            ],
          }),
        )
        .finish(),
    );
    const res = Buffer.from(
      resource
        .encode(resource.fromObject({ attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }))
        .finish(),
    );
    // A ResourceLogs with its scope_logs (field 2) before its resource (field 1), and a second,
    // later severity_number (field 2 of the record, varint 5) appended to the last record.
    const inner = Buffer.concat([scopeLogs, field(1, res)]);
    const reordered = field(1, inner);
    const got = wire(reordered) as { events: { service: string; level: string; message: string }[] };
    expect(got.events[0]).toMatchObject({ service: 'svc', level: 'error', message: 'hi' });
    expect(ordered(got)).toEqual(ordered(reference(reordered)));
  });

  it('refuses truncated and malformed bodies with a UserError, never anything else', () => {
    const { request: type } = otlpTypes();
    fc.assert(
      fc.property(
        request,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (req, edits, cut) => {
          const bytes = Buffer.from(type.encode(type.fromObject(req)).finish());
          for (const [at, v] of edits) if (bytes.length > 0) bytes[at % bytes.length] = v;
          const body = bytes.subarray(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1));
          wire(body);
        },
      ),
      { numRuns: 1500 },
    );
    expect((wire(Buffer.from([0x0a, 0x05, 0x12])) as { error: string }).error).toMatch(
      /not a valid OTLP ExportLogsServiceRequest/,
    );
  });
});

/** A length-delimited protobuf field. */
function field(n: number, bytes: Buffer): Buffer {
  const head = [(n << 3) | 2];
  for (let v = bytes.length; ; v >>>= 7) {
    if (v < 0x80) {
      head.push(v);
      break;
    }
    head.push((v & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(head), bytes]);
}
