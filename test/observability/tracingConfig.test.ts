import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { startTracing } from '../../src/observability/tracingSdk.js';

const tracingOf = (env: Record<string, string>) => loadConfig(env).observability.tracing;

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('tracing settings (OTEL_ variables)', () => {
  it('are off with no OTLP variable, and then start no SDK at all', async () => {
    const settings = tracingOf({});
    expect(settings.export).toBeUndefined();
    expect(settings.serviceName).toBe('comms-graphql');
    expect(await startTracing(settings, { logger: { warn: () => undefined, info: () => undefined } })).toBeUndefined();
  });

  it('add v1/traces to the general endpoint, take the traces endpoint as given, and default to http/protobuf', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).export).toEqual({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      timeoutMs: 10_000,
    });
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/base/' }).export?.url).toBe(
      'https://otel.example.com/base/v1/traces',
    );
    expect(
      tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' }).export?.url,
    ).toBe('http://b:4318/custom');
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' }).export?.url).toBe('http://localhost:4318/v1/traces');
  });

  it('read the protocol, headers, timeout, service and resource, signal-specific variables first', () => {
    const settings = tracingOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D,x-team=comms',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=calls',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_SERVICE_NAME: 'comms-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.namespace=comms',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(settings).toEqual({
      export: {
        url: 'http://collector:4318/v1/traces',
        protocol: 'http/json',
        headers: { 'x-api-key': 'abc==', 'x-team': 'calls' },
        timeoutMs: 2500,
      },
      serviceName: 'comms-eu',
      resourceAttributes: { 'deployment.environment.name': 'prod', 'service.namespace': 'comms' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('are off when OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, whatever endpoint is set', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).export).toBeUndefined();
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).export).toBeUndefined();
  });

  it('refuse, all at once, what the gateway cannot do: gRPC, another exporter, a bad URL, credentials in it, a bad ratio', () => {
    const message = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://user:secret@collector:4318/v1/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER_ARG: '2',
    });
    expect(message).toContain('OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported');
    expect(message).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must not carry credentials');
    expect(message).not.toContain('secret');
    expect(message).toContain('OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "2"');
    expect(problemsOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toContain('OTEL_TRACES_EXPORTER must be one of otlp, none, got "zipkin"');
    expect(problemsOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://c/v1/traces' })).toContain(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http or https URL',
    );
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: '=nokey' })).toContain(
      'OTEL_EXPORTER_OTLP_HEADERS must be a list of key=value pairs',
    );
  });
});
