/**
 * The Lightspeed sandboxes: two servers, because the real products are two APIs on two hosts with
 * their own credentials and limits — eCom (the webshop, C-Series: api.webshopapp.com /
 * api.shoplightspeed.com, key/secret, three windows) and Retail X-Series (the till:
 * {prefix}.retail.lightspeed.app, Bearer token, one 5-minute window). A merchant may run either
 * without the other, and the gateway configures and governs each separately.
 */
export { startLightspeedEcomSandbox, DEFAULT_ECOM_KEY, DEFAULT_ECOM_SECRET, DEFAULT_ECOM_WINDOWS, DEFAULT_ECOM_RETRY_DELAYS_MS } from './ecom';
export type { LightspeedEcomSandbox, LightspeedEcomSandboxOptions } from './ecom';
export { LightspeedEcomState } from './ecom-state';
export type { LightspeedEcomStats } from './ecom-state';
export { startLightspeedRetailSandbox, DEFAULT_RETAIL_TOKEN, DEFAULT_RETAIL_CLIENT_SECRET } from './retail';
export type { LightspeedRetailSandbox, LightspeedRetailSandboxOptions } from './retail';
export { LightspeedRetailState, DEFAULT_RETAIL_RETRY_DELAYS_MS } from './retail-state';
export type { LightspeedRetailStats, TillSaleInput } from './retail-state';
export type { RetailSale, SaleLine, RetailWebhook } from './retail-model';
export type { EcomWebhook } from './ecom-model';
export { DEMO_OUTLETS } from './seed';
export type { RetailOutlet } from './seed';
export type { WindowSpec } from './windows';

import { DEMO_OUTLETS } from './seed';

/**
 * The demo's LIGHTSPEED_STORE_MAP: X-Series outlet id = Picqer warehouse id, comma separated
 * ("outlet=warehouse,…"), the form the gateway will read.
 */
export const SANDBOX_STORE_MAP: Readonly<Record<string, number>> = Object.fromEntries(DEMO_OUTLETS.map((o) => [o.id, o.picqerWarehouse]));
