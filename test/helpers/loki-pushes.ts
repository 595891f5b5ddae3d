/** Loki pushes for tests: an entry's time and line, a push encoded as agents send it, hostile bodies. */
import fc from 'fast-check';
import snappy from 'snappyjs';
import { pushRequestType } from '../../src/server/loki/push-schema.js';

/** An entry's time, 2025-12-01T10:00:00Z, in seconds. */
export const T = 1764583200;
export const NGINX =
  '203.0.113.9 - - [01/Dec/2025:10:00:01 +0000] "GET /cart HTTP/1.1" 503 12 "-" "curl/8.0"';

/** A PushRequest of `streams` as Promtail sends it: protobuf, snappy-compressed. */
export function protobufPush(streams: unknown[]): Buffer {
  const type = pushRequestType();
  return Buffer.from(snappy.compress(type.encode(type.create({ streams })).finish()));
}

/**
 * Protobuf push bodies a hostile sender might make: random bytes, or a valid push with up to 8
 * bytes changed before it is compressed (so the snappy layer holds and the protobuf breaks).
 */
export function hostilePushBodies(): fc.Arbitrary<Buffer> {
  const type = pushRequestType();
  const seed = type
    .encode(
      type.create({
        streams: [
          {
            labels: '{job="a", host="b"}',
            entries: [
              {
                timestamp: { seconds: T, nanos: 5 },
                line: NGINX,
                structuredMetadata: [{ name: 'k', value: 'v' }],
              },
            ],
          },
        ],
      }),
    )
    .finish();
  const mutated = fc
    .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
    .map((edits) => {
      const b = Buffer.from(seed);
      for (const [at, v] of edits) b[at] = v;
      return Buffer.from(snappy.compress(b));
    });
  return fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
    mutated,
  );
}
