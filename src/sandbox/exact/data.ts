import { demoCatalog, WAREHOUSES, type CatalogOptions } from '../catalog';
import type { ODataRecord } from './odata';

/**
 * The Exact side of the demo catalog: one `logistics/Items` record per product with `inExact`,
 * and one `inventory/ItemWarehouses` record per item and warehouse. IDs are deterministic GUIDs
 * so a test can name them, and sort in catalog order (the sandbox pages in ID order).
 */

export interface ExactEntitySet {
  /** Path after `/api/v1/{division}/`, as Exact spells it (the sandbox matches it case-insensitively). */
  path: string;
  key: string;
  fields: ReadonlySet<string>;
  records: ODataRecord[];
  /** OData type name for `__metadata.type`. */
  type: string;
}

/** A deterministic GUID from a kind byte and a number: `0000000k-0000-4000-8000-00000000nnnn`. */
export function sandboxGuid(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const ITEM_FIELDS = [
  'ID',
  'Code',
  'Description',
  'Barcode',
  'CostPriceStandard',
  'Stock',
  'IsStockItem',
  'IsSalesItem',
  'Unit',
  'Division',
  'StandardSalesPrice',
];
const ITEM_WAREHOUSE_FIELDS = ['ID', 'Item', 'ItemCode', 'Warehouse', 'WarehouseCode', 'CurrentStock', 'ReservedStock', 'ProjectedStock', 'Division'];

/** Builds the entity sets for one division from the demo catalog. */
export function buildExactData(division: number, catalog: CatalogOptions): ExactEntitySet[] {
  const items: ODataRecord[] = [];
  const itemWarehouses: ODataRecord[] = [];
  for (const p of demoCatalog(catalog)) {
    if (!p.inExact) continue;
    const id = sandboxGuid(1, p.id);
    const total = Object.values(p.stock).reduce((s, n) => s + n, 0);
    items.push({
      ID: id,
      Code: p.productcode,
      Description: p.name,
      Barcode: p.barcode,
      CostPriceStandard: p.costPrice,
      Stock: total,
      IsStockItem: true,
      IsSalesItem: true,
      Unit: 'pc',
      Division: division,
      StandardSalesPrice: p.price,
    });
    for (const w of WAREHOUSES) {
      const qty = p.stock[w.idwarehouse] ?? 0;
      itemWarehouses.push({
        ID: sandboxGuid(2, p.id * 10 + w.idwarehouse),
        Item: id,
        ItemCode: p.productcode,
        Warehouse: sandboxGuid(3, w.idwarehouse),
        WarehouseCode: String(w.idwarehouse),
        CurrentStock: qty,
        ReservedStock: 0,
        ProjectedStock: qty,
        Division: division,
      });
    }
  }
  return [
    { path: 'logistics/Items', key: 'ID', fields: new Set(ITEM_FIELDS), records: items, type: 'Exact.Web.Api.Models.Logistics.Item' },
    {
      path: 'inventory/ItemWarehouses',
      key: 'ID',
      fields: new Set(ITEM_WAREHOUSE_FIELDS),
      records: itemWarehouses,
      type: 'Exact.Web.Api.Models.Inventory.ItemWarehouse',
    },
  ];
}
