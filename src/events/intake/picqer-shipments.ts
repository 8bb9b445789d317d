import type { ShipmentPayload } from '../log/event.types';
import { id, optId, str } from './delivery-fields';

/**
 * Reads a `picklists.shipments.created` delivery. Picqer's webhooks page says a shipment was created
 * on a picklist but shows no payload; the sandbox sends the shipment (Picqer's "Picklist Shipments"
 * fields). A delivery carrying the picklist instead (`idpicklist` without `idshipment`) is accepted
 * too, with the shipment's fields null, rather than refused (a refused delivery is retried for hours
 * and then deactivates the hook). Only ids, the carrier and the track & trace are kept: no address.
 */
export function shipmentCreated(data: Record<string, unknown>, occurredAt: string | null): ShipmentPayload {
  const idshipment = optId(data.idshipment, 'data.idshipment');
  const text = (v: unknown, path: string): string | null => (typeof v === 'string' && v !== '' ? str(v, path, 2000) : null);
  return {
    idshipment,
    idpicklist: id(data.idpicklist, 'data.idpicklist'),
    idorder: optId(data.idorder, 'data.idorder'),
    carrier:
      idshipment === null
        ? null
        : (text(data.public_providername, 'data.public_providername') ?? text(data.providername, 'data.providername') ?? text(data.provider, 'data.provider')),
    trackingCode: idshipment === null ? null : text(data.trackingcode, 'data.trackingcode'),
    trackingUrl: idshipment === null ? null : text(data.tracktraceurl, 'data.tracktraceurl'),
    occurredAt,
  };
}
