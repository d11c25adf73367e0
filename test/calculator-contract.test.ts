import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';

/**
 * schema.graphql keeps the calculator's part of the next contract (next.graphql): Query.quote and
 * its inputs, the new fields of Quote, QuoteLine, TaxBreakdown and the odontogram plan,
 * Service.taxExemption, PackageItem.counted, and the price list's arguments on them.
 */

const CALCULATOR = /^(Quote|QuoteLine|QuoteLineInput|QuoteInput|TaxBreakdown|OdontogramLine|OdontogramPlan)\b|^(Service|CreateServiceInput|UpdateServiceInput)\.taxExemption|^PackageItem\.counted|^Package\.quote|^Query\.(quote|odontogramPlan)\b/;

describe("the calculator's part of next.graphql", () => {
  const next = path.join(__dirname, '..', '..', 'shared', 'contract', 'next.graphql');

  (fs.existsSync(next) ? it : it.skip)('is kept by schema.graphql', () => {
    const ours = buildSchema(fs.readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));
    const missing = findBreakingChanges(buildSchema(fs.readFileSync(next, 'utf8')), ours)
      .map((change) => change.description)
      .filter((description) => CALCULATOR.test(description));
    expect(missing).toEqual([]);
  });
});
