import { SqlMigration } from '../src/db/sql-migration';

/** services.tax_exemption: the text a budget prints for a 0% line, only on services at 0%. */
export class ServiceTaxExemption extends SqlMigration {
  constructor() {
    super('0007_service_tax_exemption.sql');
  }
}
