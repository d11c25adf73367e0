import { registerEnumType } from 'type-graphql';

export const PriceSourceEnum = { BASE: 'BASE', LIST: 'LIST', LIST_CLINIC: 'LIST_CLINIC' } as const;
export type PriceSource = keyof typeof PriceSourceEnum;
registerEnumType(PriceSourceEnum, {
  name: 'PriceSource',
  description: 'Where a line\'s unit price comes from.',
  valuesConfig: {
    BASE: { description: 'The service\'s base price: no price list, or the list has no entry for the service.' },
    LIST: { description: 'The price list\'s entry for every clinic.' },
    LIST_CLINIC: { description: 'The price list\'s entry for the viewer\'s own clinic (an override set by the list\'s owner).' },
  },
});

/** What the viewer is charged for one unit of a service, and why. */
export interface UnitPrice {
  amount: string;
  source: PriceSource;
  /** The price list entry that decided the amount; null for BASE. */
  entryId: string | null;
}

/**
 * The unit prices of one pricing (totals, a quote, a plan, an export): the services' base prices,
 * or a price list's effective prices on a date. Built once per pricing, so every line of it is
 * priced the same way.
 */
export interface PriceBook {
  /** The list in use, or null for base prices. */
  priceListId: string | null;
  /** The date that decided which list is usable ("YYYY-MM-DD"). */
  on: string;
  unitPrice(service: { id: string; price: string }): UnitPrice;
}

export function basePrices(on: string): PriceBook {
  return { priceListId: null, on, unitPrice: (service) => ({ amount: service.price, source: 'BASE', entryId: null }) };
}

/** Default zone of an organization ("today" for price lists and quotes) until it sets one. */
export const DEFAULT_TIME_ZONE = 'Europe/Madrid';

/** Fifteen minutes: every zone's UTC offset is a multiple of it, and changes only on one. */
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/**
 * Per time zone, its formatter and its date for the UTC quarter hour it was last read in. Building
 * an `Intl.DateTimeFormat` costs far more than formatting with one (it was 12 % of the CPU of a
 * package page, which prices every package and item). A zone's local midnight and its offset changes
 * all fall on UTC quarter hours, so its date is the same throughout one; formatting a date with ICU,
 * about 1 µs when its data is in the CPU's caches, took 20-50 µs once per request in the server,
 * where a request's other work evicts them. Bounded by the IANA zones an organization can set.
 */
const zones = new Map<string, { format: Intl.DateTimeFormat; quarter: number; day: string }>();

/** Today's calendar date ("YYYY-MM-DD") in an IANA time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const quarter = Math.floor(now.getTime() / QUARTER_HOUR_MS);
  let zone = zones.get(timeZone);
  if (zone?.quarter === quarter) return zone.day;
  // en-CA writes dates as YYYY-MM-DD. An unknown zone throws here and is not kept.
  zone ??= { format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), quarter, day: '' };
  zone.quarter = quarter;
  zone.day = zone.format.format(now);
  zones.set(timeZone, zone);
  return zone.day;
}
