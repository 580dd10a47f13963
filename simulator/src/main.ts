/**
 * Standalone simulator (`npm start` here, `npm run simulator` at the repository root): reads SIMULATOR_*
 * variables, starts on port 8443 unless told otherwise, writes the CA certificate to a file clients can
 * trust, prints how to reach it, and stops on SIGINT/SIGTERM. Flags: `--ca-out <path>` (where the CA PEM
 * goes; default in the OS temp directory).
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSimulatorOptionsFromEnv, SimulatorOptionsError, startSimulator } from './index.js';
import type { RunningSimulator } from './index.js';

async function main(argv: readonly string[]): Promise<void> {
  // npm runs a workspace's scripts in its own folder; a relative --ca-out means where npm was started.
  const caOut = resolve(process.env['INIT_CWD'] ?? '.', flag(argv, '--ca-out') ?? join(tmpdir(), 'comms-graphql-simulator-ca.pem'));
  const options = loadSimulatorOptionsFromEnv(process.env);
  const sim = await startSimulator(options);
  await writeFile(caOut, sim.caCertificate, { mode: 0o644 });
  console.log(banner(sim, caOut));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the simulator`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function banner(sim: RunningSimulator, caPath: string): string {
  const app =
    sim.apps.find((a) => a.name === 'default' && a.clientSecret !== undefined) ?? sim.apps.find((a) => a.clientSecret !== undefined);
  const o = sim.options;
  const lines = [
    'Microsoft Graph communications simulator',
    `  Graph base URL     ${sim.graphBaseUrl}/v1.0   (and ${sim.graphBaseUrl}/beta)`,
    `  Token authority    ${sim.authority}`,
    `  knownAuthorities   ["${sim.knownAuthority}"]`,
    `  Token endpoint     ${sim.tokenEndpoint}`,
    `  Tenant id          ${sim.tenantId}`,
    ...(app
      ? [
          `  Client id          ${app.clientId}   (app '${app.name}': ${app.roles.join(', ')})`,
          `  Client secret      ${app.clientSecret ?? ''}`,
        ]
      : []),
    `  Other apps         ${sim.apps
      .filter((a) => a !== app)
      .map((a) => `${a.name} ${a.clientId}`)
      .join('; ')}`,
    `  CA certificate     ${caPath}   (Node: NODE_EXTRA_CA_CERTS=${caPath})`,
    `  Control surface    ${sim.origin}/_simulator/{stats,log,reset,fixtures,chaos,tokens,callbacks,callbacks/behaviour,calls/incoming,calls/{id}/tones,callRecords/{id}/version,subscriptions,changeNotifications}`,
    `  Callback OpenID    ${sim.callbackOpenIdConfigurationUrl}   (validate notification tokens; aud = client id)`,
    `  Callbacks          ${o.callbackDeliverTo === 'loopback' ? 'loopback hosts only' : 'any host'}; ${o.callbackMaxAttempts} attempts; duplicate ${o.callbackDuplicate}, shuffle ${o.callbackShuffle}, drop p ${o.callbackDropP}, delay ${o.callbackDelayMs} ms`,
    `  Data               seed ${o.seed}, ${o.callRecordCount} call records, clock ${o.fixedNow ?? 'real time'}; an ended call's record after ${o.callRecordDelayMs} ms`,
    `  Chaos              ${o.chaos ? JSON.stringify(o.chaos) : 'off'}; fixed latency ${o.fixedLatencyMs} ms`,
  ];
  if (app?.clientSecret !== undefined) {
    lines.push(
      '',
      'Try it:',
      `  TOKEN=$(curl -s --cacert ${caPath} ${sim.tokenEndpoint} \\`,
      `    -d grant_type=client_credentials -d client_id=${app.clientId} \\`,
      `    -d client_secret=${app.clientSecret} -d scope=https://graph.microsoft.com/.default \\`,
      `    | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
      `  curl -s --cacert ${caPath} -H "Authorization: Bearer $TOKEN" '${sim.graphBaseUrl}/v1.0/communications/callRecords?$select=id,startDateTime'`,
    );
  }
  lines.push('', 'Ctrl+C stops it.');
  return lines.join('\n');
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i !== -1) return argv[i + 1];
  const inline = argv.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof SimulatorOptionsError) {
    console.error(err.message);
    process.exit(2);
  }
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`${err.message}: another process holds the port; set SIMULATOR_PORT to another one (0 picks a free port).`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
