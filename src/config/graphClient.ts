import type { GraphClientConfig } from '../graph/index.js';
import type { GatewayConfig } from './index.js';

/** What the gateway needs to know of an embedded simulator to reach it like Graph. */
export interface SimulatorEndpoint {
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  caCertificate: string;
  clientId: string;
  credential: { clientSecret: string } | { certificate: { privateKeyPem: string; certificatePem: string } };
  /** The simulator's OpenID configuration for the tokens on its call notifications (pass it to createGateway). */
  callbackOpenIdConfigurationUrl?: string;
}

/** How the gateway reaches an embedded simulator, signed in as one of its app registrations. */
export function simulatorEndpoint(
  simulator: {
    graphBaseUrl: string;
    authorityHost: string;
    tenantId: string;
    caCertificate: string;
    callbackOpenIdConfigurationUrl?: string;
  },
  app: { clientId: string; clientSecret?: string; certificate?: { certificatePem: string; privateKeyPem?: string } },
): SimulatorEndpoint {
  return {
    graphBaseUrl: simulator.graphBaseUrl,
    authorityHost: simulator.authorityHost,
    tenantId: simulator.tenantId,
    caCertificate: simulator.caCertificate,
    clientId: app.clientId,
    credential: simulatorCredential(app),
    ...(simulator.callbackOpenIdConfigurationUrl !== undefined
      ? { callbackOpenIdConfigurationUrl: simulator.callbackOpenIdConfigurationUrl }
      : {}),
  };
}

/** How a simulator app registration authenticates: its secret, else its generated certificate. */
export function simulatorCredential(app: {
  clientSecret?: string;
  certificate?: { certificatePem: string; privateKeyPem?: string };
}): SimulatorEndpoint['credential'] {
  if (app.clientSecret) return { clientSecret: app.clientSecret };
  if (app.certificate?.privateKeyPem) {
    return { certificate: { privateKeyPem: app.certificate.privateKeyPem, certificatePem: app.certificate.certificatePem } };
  }
  throw new Error('the simulator app has neither a secret nor a certificate key');
}

/** The Graph client's settings: real Graph from the configuration, or the embedded simulator; the same limits for both. */
export function graphClientConfig(config: GatewayConfig, simulator?: SimulatorEndpoint): GraphClientConfig {
  return { ...graphEndpointConfig(config, simulator), limits: config.upstream, budget: { ...config.budget } };
}

function graphEndpointConfig(config: GatewayConfig, simulator?: SimulatorEndpoint): GraphClientConfig {
  if (config.graph.kind === 'azure') {
    const { cloud, baseUrl, authorityHost, tenantId, clientId, credential, caCertificate } = config.graph;
    return {
      cloud,
      graphOrigin: baseUrl,
      apiVersion: config.apiVersion,
      authorityHost,
      tenantId,
      clientId,
      credential:
        credential.kind === 'secret'
          ? { clientSecret: credential.clientSecret }
          : { certificate: { privateKeyPem: credential.privateKeyPem, certificatePem: credential.certificatePem } },
      ...(caCertificate ? { caCertificate } : {}),
    };
  }
  if (!simulator) throw new Error('the configuration selects the embedded simulator, but none was started');
  return {
    graphOrigin: simulator.graphBaseUrl,
    apiVersion: config.apiVersion,
    authorityHost: simulator.authorityHost,
    tenantId: simulator.tenantId,
    clientId: simulator.clientId,
    credential: simulator.credential,
    caCertificate: simulator.caCertificate,
  };
}
