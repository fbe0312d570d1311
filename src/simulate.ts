import { ConfigError, loadConfig } from './config.js';
import { createFourmeSimulator, fourmeDemoCredentials, fourmeSimulatedSettings } from './sources/fourme/simulator.js';
import { createOnomondoSimulator, onomondoDemoCredentials } from './sources/onomondo/simulator.js';
import { createSignicatSimulator, signicatDemoCredentials } from './sources/signicat/simulator.js';

/** `npm run simulate`: the three simulated vendor APIs on fixed ports (loopback unless `SIMULATOR_HOST` says otherwise), for pointing the gateway (or anything else) at. */
try {
  const { simulator: settings } = loadConfig();
  const options = { latencyMs: settings.latencyMs, ...(settings.today ? { today: settings.today } : {}) };
  const signicat = createSignicatSimulator(options);
  const onomondo = createOnomondoSimulator(options);
  const fourme = createFourmeSimulator(options);
  const [signicatUrl, onomondoUrl, fourmeUrl] = await Promise.all([
    signicat.start(settings.ports.signicat, settings.host),
    onomondo.start(settings.ports.onomondo, settings.host),
    fourme.start(settings.ports.fourme, settings.host),
  ]);
  console.log(`Simulated upstreams (control endpoints under /__control/ on each):
  signicat  ${signicatUrl}   client ${signicatDemoCredentials.clientId} / ${signicatDemoCredentials.clientSecret}
  onomondo  ${onomondoUrl}   API key ${onomondoDemoCredentials.apiKey}
  fourme    ${fourmeUrl}   token ${fourmeDemoCredentials.token}, account ${fourmeDemoCredentials.account}

Point the gateway at them:
  SIGNICAT_BASE_URL=${signicatUrl} SIGNICAT_CLIENT_ID=${signicatDemoCredentials.clientId} SIGNICAT_CLIENT_SECRET=${signicatDemoCredentials.clientSecret} \\
  ONOMONDO_BASE_URL=${onomondoUrl} ONOMONDO_API_KEY=${onomondoDemoCredentials.apiKey} \\
  FOURME_BASE_URL=${fourmeSimulatedSettings(fourmeUrl).baseUrl} FOURME_TOKEN=${fourmeDemoCredentials.token} FOURME_ACCOUNT=${fourmeDemoCredentials.account} \\
  AUTH_MODE=anonymous npm start`);
  const stop = () => void Promise.all([signicat.stop(), onomondo.stop(), fourme.stop()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `simulators failed to start: ${String(error)}`);
  process.exit(1);
}
