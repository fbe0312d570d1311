import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOnomondoClient, type OnomondoClient } from '../../src/sources/onomondo/client.js';
import type { OnomondoSim, OnomondoUsageRecordWire } from '../../src/sources/onomondo/schemas.js';
import { UpstreamNotFoundError } from '../../src/upstream/errors.js';
import { fixtureBody, loadFixture, startFixtureServer, type FixtureRoute, type FixtureServer } from '../support/fixture-server.js';
import { startTestGateway, type TestGateway, answerOf } from '../support/gateway.js';
import { rejectionOf, testPolicy } from '../support/generic-vendor.js';
import { readSimUsage } from '../support/wire.js';

const API_KEY = 'fixture-onomondo-key';
const RECORDED_ICCID = '89457300000012345678';

const route = (path: string, fixture: string): FixtureRoute => ({ path, answer: loadFixture(`onomondo/${fixture}`) });
const usageRecords = (fixture: string) => fixtureBody<{ usage: OnomondoUsageRecordWire[] }>(`onomondo/${fixture}`).usage;

/** The recorded SIM as the client reads it: the fields it names, the country code upper case (as sent). */
const recordedSim: OnomondoSim = {
  id: '000012345',
  iccid: RECORDED_ICCID,
  imsi: '238209000012345',
  msisdn: '4520012345',
  imei: '358299840012345',
  label: null,
  activated: true,
  online: true,
  online_at: '2024-03-14T02:23:47.398Z',
  last_came_online_at: '2024-03-14T02:23:47.398Z',
  ipv4: '100.64.18.201',
  network_whitelist: 'Global',
  connector: null,
  network: { name: 'Telenor Norge', country: 'Norway', country_code: 'NO', mcc: '242', mnc: '01' },
  usage: 934411,
  tags: [{ id: 'e5661467-fe9d-496b-9d41-83d04effc48b', name: 'Field trial', can_write: false, color: '#2fc9eb' }],
  data_limit: {
    used: 794716,
    total: 10000000,
    type: 'monthly',
    period: '202403',
    alert_threshold: null,
    resets_at: '2024-04-01T00:00:00.000Z',
  },
  technologies: { sms: true, '2g_3g': true, '4g': true },
};
const offlineSim: OnomondoSim = {
  ...recordedSim,
  id: '000012346',
  iccid: '89457300000012345686',
  imsi: '238209000012346',
  msisdn: '4520012346',
  imei: null,
  label: 'Pump 7',
  online: false,
  online_at: null,
  last_came_online_at: null,
  ipv4: null,
  network: { name: null, country: null, country_code: null, mcc: null, mnc: null },
  usage: 0,
  tags: [{ id: '4711e3b1-41ba-45ad-8cd7-cfbdd019eb4c', name: 'Spare stock', can_write: true, color: null }],
  data_limit: null,
};

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('Onomondo client over recorded answers', () => {
  let client: OnomondoClient;
  beforeEach(() => {
    client = createOnomondoClient({ baseUrl: server.url, apiKey: API_KEY }, testPolicy());
  });
  afterEach(() => client.close());

  describe('SIMs', () => {
    it('reads the recorded GET /sims/{iccid}: upper-case country code, fields it does not name left out', async () => {
      server.serve(route(`/sims/${RECORDED_ICCID}`, 'sim-recorded'));

      expect(await client.getSim(RECORDED_ICCID)).toEqual(recordedSim);
      expect(server.requests[0]?.headers.authorization).toBe(API_KEY);
    });

    it('reads a SIM that never attached: null network fields, no data limit, a tag without colour', async () => {
      server.serve(route('/sims/000012346', 'sim-offline'));

      expect(await client.getSim('000012346')).toEqual(offlineSim);
    });

    it('reads /sims in the cursor envelope and passes next_page on', async () => {
      server.serve(route('/sims', 'sims-cursor-envelope'));

      const page = await client.listSims({ limit: 2 });
      await client.listSims({ limit: 2, nextPage: page.nextPage ?? '' });

      expect(page).toEqual({ items: [recordedSim, offlineSim], rejected: [], hasMore: true, nextPage: 'MDAwMDEyMzQ2' });
      expect(server.requests[1]?.query).toEqual({ limit: ['2'], next_page: ['MDAwMDEyMzQ2'] });
    });

    it('reads /sims in the offset envelope and continues at the offset after the page', async () => {
      server.serve(route('/sims', 'sims-offset-envelope'));

      const page = await client.listSims({ limit: 2 });
      await client.listSims({ limit: 2, nextPage: page.nextPage ?? '' });

      expect(page).toEqual({ items: [recordedSim, offlineSim], rejected: [], hasMore: true, nextPage: 'offset:2' });
      expect(server.requests[1]?.query).toEqual({ limit: ['2'], offset: ['2'] });
    });

    it('keeps the good SIMs of an offset-envelope page with one malformed SIM, reports it once and continues after it', async () => {
      server.serve(route('/sims', 'sims-offset-envelope-malformed'));

      const page = await client.listSims({ limit: 3 });

      expect(page.items.map((sim) => sim.id)).toEqual(['000012345', '000012347']);
      expect(page.items[1]?.network.country_code).toBe('DK');
      expect(page.rejected).toHaveLength(1);
      expect(page.rejected[0]).toMatchObject({ index: 1, raw: { id: '000012346' } });
      expect(page.rejected[0]?.error).toMatchObject({
        code: 'UPSTREAM_BAD_RESPONSE',
        recordPath: 'sims[1]',
        fieldPath: 'network.country_code',
      });
      expect(page).toMatchObject({ hasMore: true, nextPage: 'offset:3' });
    });

    it('reads the error body of an unknown SIM as not found, with its code', async () => {
      server.serve(route('/sims/89457300000000000000', 'error-sim-not-found'));

      const error = await rejectionOf(client.getSim('89457300000000000000'));

      expect(error).toBeInstanceOf(UpstreamNotFoundError);
      expect((error as UpstreamNotFoundError).message).toBe('onomondo: not found: sim_not_found');
    });
  });

  describe('usage and tags', () => {
    it('reads usage records with lower-case country codes as upper case, and the next_page cursor', async () => {
      server.serve(route('/usage', 'usage-first-page'));

      const page = await client.usage({ filter: { time: '2024-03' }, limit: 3 });

      expect(page).toEqual({
        items: usageRecords('usage-first-page').map(readSimUsage),
        rejected: [],
        hasMore: true,
        nextPage: 'MjAyNC0wMy0wNFQwNzowNDo1Ni4wMDBaQDAwMDAxMjM0NQ==',
      });
      expect(page.items.map((record) => record.country_code)).toEqual(['DK', 'DK', 'DK']);
    });

    it('reads the last usage page, which has no next_page, keeping an unknown network type with its raw value', async () => {
      server.serve(route('/usage/000012347', 'usage-last-page'));

      const page = await client.simUsage('000012347', { limit: 3 });

      expect(page).toEqual({ items: usageRecords('usage-last-page').map(readSimUsage), rejected: [], hasMore: false, nextPage: null });
      expect(page.items.map((record) => record.network_type)).toEqual([
        { known: null, raw: 'NB-IoT' },
        { known: '2G', raw: '2G' },
      ]);
    });

    it('keeps the good records of a usage page with one malformed record and reports that record with its path and field', async () => {
      server.serve(route('/usage', 'usage-malformed-record'));

      const page = await client.usage();

      const [first, malformed, last] = usageRecords('usage-malformed-record');
      expect(page.items).toEqual([first, last].map((record) => readSimUsage(record as OnomondoUsageRecordWire)));
      expect(page.rejected).toHaveLength(1);
      expect(page.rejected[0]).toMatchObject({ index: 1, raw: malformed });
      expect(page.rejected[0]?.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', recordPath: 'usage[1]', fieldPath: 'time' });
    });

    it('reads the tag search, a tag without colour included', async () => {
      server.serve(route('/tags/search/tags', 'tags-search'));

      expect(await client.searchTags({ limit: 100 })).toEqual({
        items: [recordedSim.tags[0], offlineSim.tags[0]],
        rejected: [],
        total: 2,
        offset: 0,
        limit: 100,
      });
    });
  });
});

describe('the graph over recorded Onomondo answers', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ ONOMONDO_BASE_URL: server.url, ONOMONDO_API_KEY: API_KEY, CACHE: 'off' });
  });
  afterAll(() => gateway.close());

  it('answers a SIM looked up by ICCID with its upper-case country, and an unknown ICCID with null', async () => {
    server.serve(route(`/sims/${RECORDED_ICCID}`, 'sim-recorded'), route('/sims/89457300000000000000', 'error-sim-not-found'));

    const response = await gateway.query(`{
      recorded: sim(iccid: "${RECORDED_ICCID}") { externalId network { name countryCode } dataLimit { totalBytes } }
      unknown: sim(iccid: "89457300000000000000") { externalId }
    }`);

    expect(answerOf(response)).toEqual({
      data: {
        recorded: { externalId: '000012345', network: { name: 'Telenor Norge', countryCode: 'NO' }, dataLimit: { totalBytes: 10000000 } },
        unknown: null,
      },
    });
  });

  it('answers the good SIMs of an offset-envelope page with one malformed SIM, and one coded error for it', async () => {
    server.serve(route('/sims', 'sims-offset-envelope-malformed'));

    const response = await gateway.query('{ sims(first: 3) { nodes { externalId network { countryCode } } } }');

    expect(response.data).toEqual({
      sims: {
        nodes: [
          { externalId: '000012345', network: { countryCode: 'NO' } },
          { externalId: '000012347', network: { countryCode: 'DK' } },
        ],
      },
    });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]).toMatchObject({ path: ['sims'], extensions: { code: 'UPSTREAM_BAD_RESPONSE', source: 'onomondo' } });
  });

  it('answers usage records and tags as recorded: upper-case countries, an unknown network type, a tag without colour', async () => {
    server.serve(route('/usage', 'usage-last-page'), route('/tags/search/tags', 'tags-search'));

    const response = await gateway.query(`{
      simUsage(first: 5) { nodes { country networkType vendorNetworkType } pageInfo { hasNextPage } }
      tags(first: 5) { totalCount nodes { name color writable } }
    }`);

    expect(answerOf(response)).toEqual({
      data: {
        simUsage: {
          nodes: [
            { country: 'SE', networkType: 'UNKNOWN', vendorNetworkType: 'NB-IoT' },
            { country: 'SE', networkType: 'TWO_G', vendorNetworkType: '2G' },
          ],
          pageInfo: { hasNextPage: false },
        },
        tags: {
          totalCount: 2,
          nodes: [
            { name: 'Field trial', color: '#2fc9eb', writable: false },
            { name: 'Spare stock', color: null, writable: true },
          ],
        },
      },
    });
    expect(server.unmatched).toEqual([]);
  });
});
