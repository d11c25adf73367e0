import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';

/**
 * schema.graphql keeps the calculator's part of the next contract (next.graphql): Query.quote and
 * its inputs, the new fields of Quote, QuoteLine, TaxBreakdown and the odontogram plan,
 * Service.taxExemption and PackageItem.counted. The price list's arguments and fields on them
 * belong to the price lists work and are listed as pending until it wires them.
 */

const CALCULATOR = /^(Quote|QuoteLine|QuoteLineInput|QuoteInput|TaxBreakdown|OdontogramLine|OdontogramPlan)\b|^(Service|CreateServiceInput|UpdateServiceInput)\.taxExemption|^PackageItem\.counted|^Package\.quote|^Query\.(quote|odontogramPlan)\b/;

/** Price lists (their own issue) add these; nothing else of the calculator may be missing. */
const PENDING_PRICE_LISTS = [
  'Package.quote arg priceListId was removed.',
  'Package.quote arg on was removed.',
  'Quote.priceList was removed.',
  'QuoteInput.priceListId was removed.',
  'QuoteInput.on was removed.',
  'Query.odontogramPlan arg priceListId was removed.',
  'Query.odontogramPlan arg on was removed.',
];

describe("the calculator's part of next.graphql", () => {
  const next = path.join(__dirname, '..', '..', 'shared', 'contract', 'next.graphql');

  (fs.existsSync(next) ? it : it.skip)('is kept by schema.graphql, the price lists\' arguments aside', () => {
    const ours = buildSchema(fs.readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));
    const missing = findBreakingChanges(buildSchema(fs.readFileSync(next, 'utf8')), ours)
      .map((change) => change.description)
      .filter((description) => CALCULATOR.test(description));
    expect(missing.filter((description) => !PENDING_PRICE_LISTS.includes(description))).toEqual([]);
  });
});
