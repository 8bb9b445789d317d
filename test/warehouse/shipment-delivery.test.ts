import { parsePicqerDelivery, PICQER_HOOK_EVENTS } from '../../src/events/intake/picqer.webhook';

/** Reading Picqer's picklists.shipments.created deliveries into shipmentCreated events. */

const read = (data: Record<string, unknown>) => {
  const body = { idhook: 7, name: 'gw', event: 'picklists.shipments.created', event_triggered_at: '2026-01-13 09:46:30', data };
  return parsePicqerDelivery(body, Buffer.from(JSON.stringify(body)), { timeZone: 'Europe/Amsterdam', dedupe: 'body' });
};

test('the hook is registered with the others', () => {
  expect(PICQER_HOOK_EVENTS).toContain('picklists.shipments.created');
  expect(PICQER_HOOK_EVENTS).toContain('products.parts.changed');
});

test('a shipment becomes a shipmentCreated event with carrier and track & trace, and nothing of an address', () => {
  const d = read({
    idshipment: 600123,
    idpicklist: 70011,
    idorder: 5011,
    provider: 'postnl',
    providername: 'PostNL account',
    public_providername: 'PostNL',
    trackingcode: '3SDEMO1',
    tracktraceurl: 'https://tracking.example.invalid/3SDEMO1',
    deliveryname: 'Someone Invented',
  });
  expect(d.normalised).toEqual({
    topic: 'shipmentCreated',
    payload: {
      idshipment: 600123,
      idpicklist: 70011,
      idorder: 5011,
      carrier: 'PostNL',
      trackingCode: '3SDEMO1',
      trackingUrl: 'https://tracking.example.invalid/3SDEMO1',
      occurredAt: '2026-01-13T08:46:30.000Z',
    },
  });
  expect(JSON.stringify(d.normalised)).not.toContain('Someone');
});

test('a delivery carrying the picklist instead is accepted with the shipment fields null', () => {
  const d = read({ idpicklist: 70011, idorder: 5011, picklistid: 'P2024-00011', status: 'closed' });
  expect(d.normalised).toMatchObject({ topic: 'shipmentCreated', payload: { idshipment: null, idpicklist: 70011, idorder: 5011, carrier: null } });
});

test('a delivery without idpicklist is refused, naming the field', () => {
  expect(() => read({ idshipment: 1 })).toThrow(/data\.idpicklist/);
});
