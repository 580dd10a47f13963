import type { EnvReader } from './reader.js';

/** The OTLP encodings the gateway can send; gRPC is not among them (it would pull in a gRPC stack for one exporter). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const TRACE_SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

/** Where and how spans are exported over OTLP. */
export interface OtlpExport {
  /** The full traces URL, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  protocol: OtlpProtocol;
  /** Sent with every export (an API key, say); their values are kept out of the logs. */
  headers: Readonly<Record<string, string>>;
  /** Per export request. Default 10000 ms, the OpenTelemetry default. */
  timeoutMs: number;
}

/**
 * OpenTelemetry traces, read from the standard `OTEL_*` variables (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables,
 * and the OTLP exporter's). Unlike the SDK's own default, nothing is exported unless an endpoint is set or
 * `OTEL_TRACES_EXPORTER=otlp` asks for the default one: a gateway without a collector loads no SDK at all.
 */
export interface TracingSettings {
  /** Undefined: tracing is off, the OpenTelemetry API stays a no-op. */
  export: OtlpExport | undefined;
  /** `OTEL_SERVICE_NAME`, default `comms-graphql`. */
  serviceName: string;
  /** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,...`), beside `service.name`. */
  resourceAttributes: Readonly<Record<string, string>>;
  /** `OTEL_TRACES_SAMPLER`; default `parentbased_always_on`, so a router's sampling decision is followed. */
  sampler: TraceSampler;
  /** `OTEL_TRACES_SAMPLER_ARG` for the ratio samplers, 0 to 1; default 1. */
  samplerRatio: number;
}

const DEFAULT_TRACES_URL = 'http://localhost:4318/v1/traces';

export function readTracing(read: EnvReader): TracingSettings {
  const serviceName = read.str('OTEL_SERVICE_NAME') ?? 'comms-graphql';
  const resourceAttributes = keyValues(read, 'OTEL_RESOURCE_ATTRIBUTES');
  const sampler = read.oneOf<TraceSampler>('OTEL_TRACES_SAMPLER', TRACE_SAMPLERS, 'parentbased_always_on');
  const samplerRatio = readRatio(read);
  const base = { serviceName, resourceAttributes, sampler, samplerRatio };

  const disabled = read.bool('OTEL_SDK_DISABLED', false);
  const exporter = read.oneOf<'otlp' | 'none'>('OTEL_TRACES_EXPORTER', ['otlp', 'none'], 'otlp');
  const tracesEndpoint = read.str('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = read.str('OTEL_EXPORTER_OTLP_ENDPOINT');
  const explicit = read.str('OTEL_TRACES_EXPORTER') !== undefined;
  if (disabled || exporter === 'none' || (tracesEndpoint === undefined && endpoint === undefined && !explicit)) {
    return { ...base, export: undefined };
  }

  // The signal-specific variable is the URL as given; the general one is a base to which `v1/traces` is added.
  let url = DEFAULT_TRACES_URL;
  if (tracesEndpoint !== undefined) url = httpUrl(read, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint) ?? url;
  else if (endpoint !== undefined) {
    const base = httpUrl(read, 'OTEL_EXPORTER_OTLP_ENDPOINT', endpoint);
    if (base !== undefined) url = `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
  }
  const protocolKey =
    read.str('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  if (read.str(protocolKey) === 'grpc') {
    read.problem(`${protocolKey} "grpc" is not supported: use http/protobuf (the default) or http/json, on the collector's port 4318`);
  }
  const protocol =
    read.str(protocolKey) === 'grpc' ? 'http/protobuf' : read.oneOf<OtlpProtocol>(protocolKey, OTLP_PROTOCOLS, 'http/protobuf');
  const headers = {
    ...keyValues(read, 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...keyValues(read, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
  };
  const timeoutKey =
    read.str('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT' : 'OTEL_EXPORTER_OTLP_TIMEOUT';
  const timeoutMs = read.int(timeoutKey, 10_000, 100, 120_000);
  return { ...base, export: { url, protocol, headers, timeoutMs } };
}

function httpUrl(read: EnvReader, key: string, raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    if (url.username || url.password) {
      read.problem(`${key} must not carry credentials; put them in OTEL_EXPORTER_OTLP_HEADERS`);
      return undefined;
    }
    return raw;
  } catch {
    // Whatever precedes an @ may be a password: not echoed.
    read.problem(`${key} must be an http or https URL such as http://localhost:4318, got "${raw.replace(/\/\/[^/]*@/, '//…@')}"`);
    return undefined;
  }
}

/** The W3C Baggage-like `key=value,key2=value2` lists of the OTel variables, values percent-decoded. */
function keyValues(read: EnvReader, key: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of read.list(key)) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    if (name === '') {
      read.problem(`${key} must be a list of key=value pairs separated by commas, got an entry without a key`);
      continue;
    }
    try {
      result[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      read.problem(`${key}: the value of "${name}" is not valid percent-encoding`);
    }
  }
  return result;
}

function readRatio(read: EnvReader): number {
  const raw = read.str('OTEL_TRACES_SAMPLER_ARG');
  if (raw === undefined) return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    read.problem(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "${raw}"`);
    return 1;
  }
  return value;
}
