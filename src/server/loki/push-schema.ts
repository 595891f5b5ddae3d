/**
 * Loki's push request as protobuf types: the part of `logproto.PushRequest` (Loki's `push.proto`)
 * that carries streams, their label sets, and entries with their time, line and structured
 * metadata. Field numbers are Loki's; fields logpipe does not read are skipped as unknown.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package logproto;

message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message EntryAdapter {
  Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message LabelPairAdapter { string name = 1; string value = 2; }
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;

let request: protobuf.Type | null = null;

/** The PushRequest type, built on first use. */
export function pushRequestType(): protobuf.Type {
  if (request === null)
    request = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('logproto.PushRequest');
  return request;
}
