/**
 * A loopback OTLP/HTTP trace receiver for tests: a real HTTP server on 127.0.0.1 that accepts `POST /v1/traces`
 * in both encodings a collector takes on port 4318, `http/json` and `http/protobuf` (optionally gzip), and keeps
 * the spans it decoded. The protobuf reader knows the few fields of ExportTraceServiceRequest the tests read
 * (opentelemetry-proto `trace/v1/trace.proto`, `common/v1/common.proto`), nothing more.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type AttributeValue = string | number | boolean | undefined;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** The `service.name` of the resource that sent it. */
  service: AttributeValue;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the exports received, in order. */
  contentTypes: string[];
  stop(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      contentTypes.push(type);
      try {
        if (type === 'application/json') {
          spans.push(...fromJson(JSON.parse(body.toString('utf8')) as JsonRequest));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else if (type === 'application/x-protobuf') {
          spans.push(...fromProtobuf(body));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } else res.writeHead(415).end();
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- OTLP/JSON (hex ids, as the OTLP/HTTP spec requires for JSON) --------------------------------------------

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}
interface JsonRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: JsonKeyValue[] }>;
    }>;
  }>;
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    out[key] =
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue ?? value.doubleValue;
  }
  return out;
}

function fromJson(request: JsonRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = jsonAttributes(rs.resource?.attributes)['service.name'];
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind,
        attributes: jsonAttributes(s.attributes),
        service,
      })),
    );
  });
}

// --- OTLP/protobuf ------------------------------------------------------------------------------------------------

type Field = { no: number; varint?: bigint; bytes?: Buffer; fixed64?: Buffer };

/** The fields of one protobuf message, in order (wire types 0, 1, 2 and 5). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    switch (key & 7) {
      case 0:
        out.push({ no, varint: varint() });
        break;
      case 1:
        out.push({ no, fixed64: buf.subarray(at, at + 8) });
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        out.push({ no, bytes: buf.subarray(at, at + length) });
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
  return out;
}

const sub = (list: Field[], no: number): Buffer[] => list.filter((f) => f.no === no && f.bytes).map((f) => f.bytes!);

function protoAttributes(keyValues: Buffer[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of keyValues) {
    const f = fields(kv);
    const key = sub(f, 1)[0]?.toString('utf8') ?? '';
    const value = fields(sub(f, 2)[0] ?? Buffer.alloc(0))[0];
    if (!value) continue;
    if (value.no === 1) out[key] = value.bytes?.toString('utf8');
    else if (value.no === 2) out[key] = value.varint === 1n;
    else if (value.no === 3) out[key] = Number(BigInt.asIntN(64, value.varint ?? 0n));
    else if (value.no === 4) out[key] = value.fixed64?.readDoubleLE(0);
  }
  return out;
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  return sub(fields(body), 1).flatMap((resourceSpans) => {
    const rs = fields(resourceSpans);
    const service = protoAttributes(sub(fields(sub(rs, 1)[0] ?? Buffer.alloc(0)), 1))['service.name'];
    return sub(rs, 2).flatMap((scopeSpans) =>
      sub(fields(scopeSpans), 2).map((spanBytes) => {
        const s = fields(spanBytes);
        return {
          traceId: sub(s, 1)[0]?.toString('hex') ?? '',
          spanId: sub(s, 2)[0]?.toString('hex') ?? '',
          parentSpanId: sub(s, 4)[0]?.toString('hex') ?? '',
          name: sub(s, 5)[0]?.toString('utf8') ?? '',
          kind: Number(s.find((f) => f.no === 6)?.varint ?? 0n),
          attributes: protoAttributes(sub(s, 9)),
          service,
        };
      }),
    );
  });
}
